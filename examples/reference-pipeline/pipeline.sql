-- The Kafka → Delta reference pipeline in SQL (the same as pipeline.ts; run it with sql.ts,
-- which fills in ${KAFKA_BOOTSTRAP}, ${TOPIC}, ${OUT} and ${TRIGGER}).
-- Spark SQL has no dropDuplicatesWithinWatermark; SELECT DISTINCT over the whole event, with
-- the watermark on ts, drops the producer's retries the same way (a retry repeats the record).
SET spark.sql.session.timeZone = UTC;

CREATE TEMP VIEW events AS
SELECT raw, e.* FROM (
  SELECT CAST(value AS STRING) AS raw,
         from_json(CAST(value AS STRING),
                   'event_id STRING, user STRING, amount BIGINT, ts TIMESTAMP, _corrupt_record STRING',
                   map('mode', 'PERMISSIVE')) AS e
  FROM STREAM read_kafka(bootstrapServers => '${KAFKA_BOOTSTRAP}', subscribe => '${TOPIC}',
                         startingOffsets => 'earliest', maxOffsetsPerTrigger => '50')
);

INSERT INTO delta.`${OUT}/aggregates`
WITH (queryName = 'reference_aggregates_sql', outputMode = 'append', trigger = '${TRIGGER}',
      checkpointLocation = '${OUT}/checkpoint/aggregates')
SELECT window.start AS window_start, window.end AS window_end, count(*) AS events, sum(amount) AS amount
FROM (
  SELECT DISTINCT event_id, user, amount, ts
  FROM events WATERMARK ts DELAY OF INTERVAL 10 MINUTES
  WHERE _corrupt_record IS NULL
)
GROUP BY window(ts, '5 minutes');

INSERT INTO delta.`${OUT}/dead_letter`
WITH (queryName = 'reference_dead_letter_sql', trigger = '${TRIGGER}',
      checkpointLocation = '${OUT}/checkpoint/dead_letter')
SELECT raw AS value, current_timestamp() AS seen_at
FROM events
WHERE _corrupt_record IS NOT NULL;
