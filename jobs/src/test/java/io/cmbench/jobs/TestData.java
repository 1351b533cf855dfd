package io.cmbench.jobs;

import io.cmbench.jobs.serde.Envelope;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic synthetic traffic for tests. */
public final class TestData {
    private TestData() {}

    /** Fails the job if any type would fall back to Kryo (all state and records have explicit serializers). */
    public static org.apache.flink.streaming.api.environment.StreamExecutionEnvironment noKryoEnvironment(int parallelism) {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        env.configure(conf);
        env.setParallelism(parallelism);
        return env;
    }


    public static RequestEvent request(String id, long arrival, int prompt, int out) {
        return RequestEvent.newBuilder().setKind(EventKind.REQUEST).setRequestId(id).setArrivalTimeMicros(arrival)
                .setPromptTokens(prompt).setOutputTokens(out).build();
    }

    /** n requests, arrivals every ~meanGapMicros (several share a timestamp), prompt 50..2000, output 1..maxOut. */
    public static List<RequestEvent> requests(int n, long meanGapMicros, int maxOut, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RequestEvent> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            if (rng.nextInt(4) != 0) { // every 4th request shares the previous arrival time
                t += rng.nextLong(2 * meanGapMicros + 1);
            }
            out.add(request(String.format("req-%05d", i), t, 50 + rng.nextInt(1951), 1 + rng.nextInt(maxOut)));
        }
        return out;
    }

    /**
     * n requests with prefix blocks of blockTokens: about half continue one of {@code sessions} conversations (their
     * leading blocks are the session's, so they hit the context cache once an earlier turn was prefilled), the rest
     * share a 4-block system prompt with probability 1/3 or are unique. Prompts 200..3000, outputs 1..maxOut.
     */
    public static List<RequestEvent> requestsWithPrefixes(int n, long meanGapMicros, int maxOut, int sessions,
                                                          int blockTokens, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RequestEvent> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            if (rng.nextInt(4) != 0) {
                t += rng.nextLong(2 * meanGapMicros + 1);
            }
            int prompt = 200 + rng.nextInt(2801);
            int nBlocks = prompt / blockTokens;
            List<Long> blocks = new ArrayList<>();
            int kind = rng.nextInt(6);
            int shared = 0;
            long base;
            if (kind < 3) {
                base = 1_000_000L * (1 + rng.nextInt(sessions));
                shared = rng.nextInt(nBlocks + 1);
            } else if (kind < 5) {
                base = 999_000_000L;
                shared = Math.min(4, nBlocks);
            } else {
                base = 0;
            }
            for (int b = 0; b < nBlocks; b++) {
                blocks.add(b < shared ? base + b : 7_000_000_000L + 1_000L * i + b);
            }
            out.add(RequestEvent.newBuilder().setKind(EventKind.REQUEST).setRequestId(String.format("req-%05d", i))
                    .setArrivalTimeMicros(t).setPromptTokens(prompt).setOutputTokens(1 + rng.nextInt(maxOut))
                    .setPrefixBlocks(blocks).setPrefixBlockTokens(nBlocks == 0 ? 0 : blockTokens).build());
        }
        return out;
    }

    public static List<Envelope> envelopes(List<RequestEvent> requests) {
        List<Envelope> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            out.add(Envelope.of(requests.get(i), i));
        }
        return out;
    }

    /** The single-object encoding of {@code r}, as the generator writes it to Kafka. */
    public static byte[] bytes(RequestEvent r) {
        try {
            return Envelope.toBytes(r.toByteBuffer());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
