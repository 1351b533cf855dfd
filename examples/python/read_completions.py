#!/usr/bin/python3
"""Reads a cmbench completions topic and prints one JSON object per completion.

    read_completions.py BOOTSTRAP TOPIC SCHEMA_FILE
    e.g. read_completions.py 127.0.0.1:9092 cmbench.completions schemas/src/main/avro/Completion.avsc

Each record value is Avro single-object encoding: C3 01, the schema's 8-byte little-endian CRC-64-AVRO fingerprint
(of its Parsing Canonical Form), then the Avro binary body. A record whose header or fingerprint does not match
SCHEMA_FILE is not decoded: it is counted and reported on stderr (exit 1), never skipped silently. Reads committed
records only (the jobs write in Kafka transactions) from the beginning of every partition and stops at their end.
Output: the fields of the run's completions.jsonl, in schema order. Needs Debian's python3-confluent-kafka and
python3-avro (run with /usr/bin/python3: a pyenv or venv python does not see Debian's packages).
"""
import io
import json
import sys

PROG = "read_completions.py"


def fail(where, reason, value, code=2):
    print(f"{PROG}: {where}: {reason}, got '{value}'", file=sys.stderr)
    sys.exit(code)


try:
    import avro.io
    import avro.schema
except ImportError as e:
    fail("import avro", "Debian's python3-avro is not installed (apt-get install python3-avro)", e)
try:
    from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING
except ImportError as e:
    fail("import confluent_kafka",
         "Debian's python3-confluent-kafka is not installed (apt-get install python3-confluent-kafka)", e)

MAGIC = b"\xc3\x01"

# CRC-64-AVRO (the Avro specification's Rabin fingerprint); python3-avro 1.11 does not provide it.
_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def crc64_avro(data: bytes) -> int:
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_KEEP = ("name", "type", "fields", "symbols", "items", "values", "size")  # the spec's [STRIP] and [ORDER]


def canonical_form(schema, namespace=None, seen=None):
    """Parsing Canonical Form of a schema given as parsed JSON (Avro specification, "Transforming into PCF")."""
    seen = set() if seen is None else seen
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return json.dumps(schema)
        return json.dumps(schema if "." in schema or namespace is None else f"{namespace}.{schema}")
    if isinstance(schema, list):
        return "[" + ",".join(canonical_form(s, namespace, seen) for s in schema) + "]"
    kind = schema["type"]
    if kind in _PRIMITIVES or isinstance(kind, (dict, list)):
        return canonical_form(kind, namespace, seen)
    parts = []
    if kind in ("record", "error", "enum", "fixed"):
        name = schema["name"]
        ns = schema.get("namespace", namespace)
        full = name if "." in name or not ns else f"{ns}.{name}"
        if full in seen:  # a named type is spelled out once, then referred to by its full name
            return json.dumps(full)
        seen.add(full)
        namespace = full.rsplit(".", 1)[0] if "." in full else None
        parts.append('"name":' + json.dumps(full))
    parts.append('"type":' + json.dumps(kind))
    if kind in ("record", "error"):
        fields = ",".join('{"name":' + json.dumps(f["name"]) + ',"type":' + canonical_form(f["type"], namespace, seen)
                          + "}" for f in schema["fields"])
        parts.append('"fields":[' + fields + "]")
    if kind == "enum":
        parts.append('"symbols":' + json.dumps(schema["symbols"], separators=(",", ":")))
    if kind == "array":
        parts.append('"items":' + canonical_form(schema["items"], namespace, seen))
    if kind == "map":
        parts.append('"values":' + canonical_form(schema["values"], namespace, seen))
    if kind == "fixed":
        parts.append('"size":' + str(int(schema["size"])))
    return "{" + ",".join(parts) + "}"


def main(argv):
    if len(argv) != 4:
        fail("arguments", "usage: read_completions.py BOOTSTRAP TOPIC SCHEMA_FILE", " ".join(argv[1:]))
    bootstrap, topic, schema_file = argv[1:]
    try:
        with open(schema_file, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        fail("SCHEMA_FILE", f"cannot read it ({e.strerror})", schema_file)
    schema_json = json.loads(text)
    schema = avro.schema.parse(text)
    fingerprint = crc64_avro(canonical_form(schema_json).encode("utf-8")).to_bytes(8, "little")
    reader = avro.io.DatumReader(schema)
    names = [f["name"] for f in schema_json["fields"]]

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"{topic}.read-completions-example",  # required by the client; nothing is committed
        "enable.auto.commit": False,
        "isolation.level": "read_committed",  # only records of committed transactions
        "enable.partition.eof": True,  # tells us when a partition has been read to its end
    })
    try:
        metadata = consumer.list_topics(topic, timeout=30)
    except KafkaException as e:
        fail("BOOTSTRAP", f"no Kafka broker answered ({e})", bootstrap)
    partitions = metadata.topics[topic].partitions if topic in metadata.topics else {}
    if metadata.topics.get(topic) is None or metadata.topics[topic].error is not None or not partitions:
        fail("TOPIC", f"no such topic at {bootstrap}", topic)
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])

    at_end = set()
    foreign = 0
    while len(at_end) < len(partitions):
        msg = consumer.poll(10.0)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(msg.partition())
                continue
            raise KafkaException(msg.error())
        at_end.discard(msg.partition())
        value = msg.value() or b""
        where = f"{topic}[{msg.partition()}]@{msg.offset()}"
        if value[:2] != MAGIC or value[2:10] != fingerprint:
            foreign += 1
            print(f"{PROG}: {where}: not a single-object record of {schema_file} (header {value[:10].hex()},"
                  f" expected {(MAGIC + fingerprint).hex()}): skipped", file=sys.stderr)
            continue
        body = io.BytesIO(value[10:])
        record = reader.read(avro.io.BinaryDecoder(body))
        if body.tell() != len(value) - 10:
            foreign += 1
            print(f"{PROG}: {where}: {len(value) - 10 - body.tell()} trailing bytes after the Avro body: skipped",
                  file=sys.stderr)
            continue
        print(json.dumps({n: record[n] for n in names}, separators=(",", ":")))
    consumer.close()
    if foreign:
        print(f"{PROG}: {foreign} record(s) in {topic} were not {schema_file} records", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
