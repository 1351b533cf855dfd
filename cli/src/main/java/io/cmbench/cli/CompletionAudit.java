package io.cmbench.cli;

import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.loadgen.RequestStream;
import io.cmbench.schemas.Completion;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The completions topic counted against the generator: per scenario, how many of the requests it generated
 * ({@code r0000000000} up to its count) have no completion (lost), and how many completion records repeat a request
 * already completed (duplicated). One bit per request: a long soak's millions of ids are not held as strings.
 */
record CompletionAudit(long requests, long records, Map<String, Long> lost, Map<String, Long> duplicated,
                       long unexpected) {

    long totalLost() {
        return lost.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalDuplicated() {
        return duplicated.values().stream().mapToLong(Long::longValue).sum();
    }

    static CompletionAudit of(String bootstrap, Properties clientProperties, String topic, long requests,
                              List<String> scenarios) {
        Map<String, BitSet> seen = new LinkedHashMap<>();
        Map<String, Long> duplicated = new LinkedHashMap<>();
        scenarios.forEach(s -> {
            seen.put(s, new BitSet());
            duplicated.put(s, 0L);
        });
        long[] records = {0};
        long[] unexpected = {0};
        TopicReader.forEach(bootstrap, clientProperties, topic, b -> {
            records[0]++;
            Completion c;
            try {
                c = Completion.fromByteBuffer(ByteBuffer.wrap(b));
            } catch (Exception e) {
                unexpected[0]++;
                return;
            }
            long index = index(c.getRequestId());
            BitSet s = seen.get(c.getScenario());
            if (s == null || index < 0 || index >= requests) {
                unexpected[0]++;
            } else if (s.get((int) index)) {
                duplicated.merge(c.getScenario(), 1L, Long::sum);
            } else {
                s.set((int) index);
            }
        });
        Map<String, Long> lost = new LinkedHashMap<>();
        seen.forEach((s, bits) -> lost.put(s, requests - bits.cardinality()));
        return new CompletionAudit(requests, records[0], lost, duplicated, unexpected[0]);
    }

    /** The request's number from its id ({@link RequestStream#requestId}), or -1 for another id. */
    static long index(String requestId) {
        if (requestId == null || !requestId.startsWith("r") || requestId.length() < 2) {
            return -1;
        }
        try {
            long n = Long.parseLong(requestId.substring(1));
            return RequestStream.requestId(n).equals(requestId) && n <= Integer.MAX_VALUE ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
