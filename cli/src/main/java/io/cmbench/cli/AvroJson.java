package io.cmbench.cli;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro records as plain JSON-ready maps, in schema field order (stable output for diffing runs).
 * Bytes become base64; nested records become maps.
 */
final class AvroJson {
    private AvroJson() {}

    static Map<String, Object> toMap(SpecificRecordBase record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            out.put(f.name(), plain(record.get(f.pos())));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof SpecificRecordBase r) {
            return toMap(r);
        } else if (v instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        } else if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(plain(x)));
            return out;
        } else if (v instanceof GenericEnumSymbol<?> || v instanceof Enum<?> || v instanceof CharSequence) {
            return v.toString();
        }
        return v;
    }
}
