/**
 * A VARIANT value as rows present it: Spark's two byte strings, exactly as Spark stores them
 * (PySpark's `VariantVal` holds the same pair). `value` is the encoded value, `metadata` the key
 * dictionary (the format is Spark's common/variant README). Nothing is decoded or rounded, so a
 * value read from Parquet or Delta and written again is byte-for-byte the same. Turn one into JSON
 * text with `variantToJson(v)` or `to_json(col)` in a query.
 */
export class VariantVal {
  constructor(
    readonly value: Uint8Array,
    readonly metadata: Uint8Array,
  ) {}
}
