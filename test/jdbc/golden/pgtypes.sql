-- PostgreSQL types read by test/jdbc/jdbc-read-write.test.ts and by PySpark in scripts/oracle/gen_jdbc.py.
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE pgtypes (
  id int4 PRIMARY KEY, i2 int2, i8 int8 NOT NULL, f4 float4, f8 float8, n numeric(12,3), nu numeric, m money,
  t text, vc varchar(10), c char(3), b bool, b1 bit(1), b4 bit(4), by bytea, d date, ts timestamp, tz timestamptz,
  tm time, j json, jb jsonb, u uuid, ip inet, iv interval, e mood, dom posint, ai int4[], at text[], an numeric(5,2)[]);
INSERT INTO pgtypes VALUES
  (1, -32768, 9007199254740993, 0.1, -1.5e300, 123456789.125, 1.5, 12.34, 'a''b"c', 'varchar', 'ab', true, B'1', B'1010', '\x00ff10',
   '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.654321+02', '12:34:56.5', '{"a": [1]}', '{"b": 2}',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.1', '1 day 02:00:00', 'happy', 7, '{1,NULL,3}', '{"x, y","q\"uote",NULL}', '{1.25,-2.5}'),
  (2, NULL, -9223372036854775808, 'NaN', 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   '0044-03-15 BC', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', NULL, NULL);
