package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.FakeCostModel;
import io.cmbench.jobs.serde.AvroTypeInfo;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import io.cmbench.schemas.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Each keyed stage snapshotted mid-stream (queues, batches in flight, the context cache's entries, the router's
 * bookkeeping, the decode engine's dies and its seeded MTP stream) and restored into a fresh operator: the rest of
 * the stream gives exactly what an uninterrupted operator gives. This is what a failure and recovery, or a savepoint
 * and a restart, relies on.
 */
class SnapshotRestoreTest {
    static final PoolLayout LAYOUT = new PoolLayout(2, 2, 2_000, 3, 1, 2, 4, 100_000);
    static final ScenarioPolicies CACHED = new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 50_000);
    static final FakeCostModel MODEL = new FakeCostModel(LAYOUT, 20, 30, 5, 1, 7, 1, 0.7);

    /** A stream of requests, a third sharing prefix blocks, with watermarks every 10 records. */
    static List<Object> input(Function<Integer, RequestJob> shape) {
        Random r = new Random(5);
        List<Object> in = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 120; i++) {
            t += r.nextInt(40);
            RequestJob j = shape.apply(i);
            j.arrivalMicros = t;
            j.promptTokens = 64 + r.nextInt(400);
            j.outputTokens = 1 + r.nextInt(30);
            if (i % 3 == 0) {
                j.prefixBlocks = new long[] {7L, 8L + i % 2};
                j.prefixBlockTokens = 32;
            }
            in.add(j);
            if (i % 10 == 9) in.add(t - 50);   // a watermark a little behind the latest arrival
        }
        in.add(Long.MAX_VALUE - 1);
        return in;
    }

    static RequestJob fresh(int i) {
        RequestJob j = PoolHarnesses.job("r" + (1000 + i), 0, 1, 1);
        j.cacheShard = i % 2;
        j.prefillInstance = -1;
        j.decodeInstance = -1;
        return j;
    }

    /** Prefilled in FULL mode: KV at decode 100 µs after arrival. */
    static RequestJob prefilled(int i) {
        RequestJob j = PoolHarnesses.job("r" + (1000 + i), 0, 1, 1);
        j.decodeInstance = i % 3;
        return j;
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, ?> h, List<Object> in, int from, int to,
                     boolean decodeStage) throws Exception {
        for (Object o : in.subList(from, to)) {
            if (o instanceof RequestJob j0) {
                RequestJob j = j0.copy();
                if (decodeStage) {   // times as the prefill stage would have set them
                    j.prefillStartMicros = j.arrivalMicros;
                    j.prefillEndMicros = j.arrivalMicros + 60;
                    j.kvTransferEndMicros = j.arrivalMicros + 100;
                    j.firstTokenMicros = j.kvTransferEndMicros;
                    j.prefixBlocks = null;
                }
                long ts = decodeStage ? j.prefillEndMicros : j.arrivalMicros;
                h.processElement(new StreamRecord<>(j, ts));
            } else {
                h.processWatermark((Long) o);
            }
        }
    }

    static <O> KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, O> harness(
            Supplier<KeyedProcessFunction<Long, RequestJob, O>> fn, KeySelector<RequestJob, Long> key, boolean avroOut,
            OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, O>(
                new KeyedProcessOperator<>(fn.get()), key, Types.LONG);
        if (avroOut) {
            @SuppressWarnings("unchecked")
            var out = (org.apache.flink.api.common.typeutils.TypeSerializer<O>) (Object)
                    AvroTypeInfo.forClass(Completion.class).createSerializer(new ExecutionConfig().getSerializerConfig());
            h.setup(out);
        }
        if (restoreFrom != null) h.initializeState(restoreFrom);
        h.open();
        return h;
    }

    /** Output and side outputs of the whole stream, uninterrupted or cut and restored at {@code cut}. */
    static <O> String run(Supplier<KeyedProcessFunction<Long, RequestJob, O>> fn, KeySelector<RequestJob, Long> key,
                          boolean avroOut, boolean decodeStage, List<Object> in, int cut) throws Exception {
        StringBuilder out = new StringBuilder();
        StringBuilder steps = new StringBuilder();
        var a = SnapshotRestoreTest.<O>harness(fn, key, avroOut, null);
        feed(a, in, 0, cut < 0 ? in.size() : cut, decodeStage);
        collect(a, out, steps);
        if (cut >= 0) {
            OperatorSubtaskState snap = a.snapshot(1L, 1L);
            a.close();
            var b = SnapshotRestoreTest.<O>harness(fn, key, avroOut, snap);
            feed(b, in, cut, in.size(), decodeStage);
            collect(b, out, steps);
            b.close();
        } else {
            a.close();
        }
        return out + "-- steps --\n" + steps;
    }

    static void collect(KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, ?> h, StringBuilder out,
                        StringBuilder steps) {
        for (Object o : h.extractOutputValues()) out.append(o instanceof RequestJob j ? describe(j) : o).append('\n');
        var side = h.getSideOutput(Stages.STEPS);
        if (side != null) side.forEach(s -> steps.append(s.getValue()).append('\n'));
    }

    static String describe(RequestJob j) {
        return j.requestId + " p" + j.prefillInstance + " d" + j.decodeInstance + " " + j.prefillStartMicros + "-"
                + j.prefillEndMicros + " kv" + j.kvTransferEndMicros + " hit" + j.cacheHitTokens + " q" + j.prefillQueueMicros;
    }

    private static void assertRestoreChangesNothing(Supplier<String> whole, Function<Integer, String> cutAt) {
        String expected = whole.get();
        assertThat(expected).isNotBlank();
        for (int cut : new int[] {17, 58, 101}) {
            String got = cutAt.apply(cut);
            assertThat(got).as("cut at input " + cut).isEqualTo(expected);
        }
    }

    @Test
    void contextCacheWithItsPendingWriteBacks() {
        List<Object> in = input(SnapshotRestoreTest::fresh);
        Supplier<KeyedProcessFunction<Long, RequestJob, RequestJob>> fn =
                () -> new ContextCacheFunction(ONE_SCENARIO, List.of(CACHED), MODEL.factory());
        KeySelector<RequestJob, Long> shard = j -> RequestJob.key(j.scenario, j.cacheShard);
        String whole = unchecked(() -> run(fn, shard, false, false, in, -1));
        assertThat(whole).as("the cache was hit").containsPattern(" hit[1-9]");
        assertRestoreChangesNothing(() -> whole, cut -> unchecked(() -> run(fn, shard, false, false, in, cut)));
    }

    @Test
    void prefillInstancesWithTheirQueuesAndBatches() {
        List<Object> in = input(i -> {
            RequestJob j = fresh(i);
            j.prefillInstance = i % 2;
            j.cacheHitTokens = i % 3 == 0 ? 32 : 0;
            return j;
        });
        Supplier<KeyedProcessFunction<Long, RequestJob, RequestJob>> fn =
                () -> new PrefillInstanceFunction(ONE_SCENARIO, MODEL.factory(), EmulationMode.FULL);
        KeySelector<RequestJob, Long> instance = j -> RequestJob.key(j.scenario, j.prefillInstance);
        String whole = unchecked(() -> run(fn, instance, false, false, in, -1));
        assertRestoreChangesNothing(() -> whole, cut -> unchecked(() -> run(fn, instance, false, false, in, cut)));
    }

    @Test
    void router() {
        List<Object> in = input(i -> {
            RequestJob j = fresh(i);
            j.soloPrefillMicros = 50 + i % 7 * 30;
            return j;
        });
        Supplier<KeyedProcessFunction<Long, RequestJob, RequestJob>> fn = () -> new InstanceRouterFunction(
                ONE_SCENARIO, List.of(CACHED), MODEL.factory(), EmulationMode.FULL);
        KeySelector<RequestJob, Long> supernode = j -> RequestJob.key(j.scenario, j.supernode);
        String whole = unchecked(() -> run(fn, supernode, false, false, in, -1));
        assertRestoreChangesNothing(() -> whole, cut -> unchecked(() -> run(fn, supernode, false, false, in, cut)));
    }

    @Test
    void decodePoolWithItsSeededMtpStream() {
        List<Object> in = input(SnapshotRestoreTest::prefilled);
        Supplier<KeyedProcessFunction<Long, RequestJob, Completion>> fn =
                () -> new DecodePoolFunction(ONE_SCENARIO, MODEL.factory(), EmulationMode.FULL, 42L);
        String whole = unchecked(() -> run(fn, RequestJob::decodeKey, true, true, in, -1));
        assertRestoreChangesNothing(() -> whole,
                cut -> unchecked(() -> run(fn, RequestJob::decodeKey, true, true, in, cut)));
    }

    interface Body<T> { T get() throws Exception; }

    static <T> T unchecked(Body<T> b) {
        try {
            return b.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
