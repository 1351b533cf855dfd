package io.cmbench.model.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.cmbench.model.CostModels;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;

/**
 * Cost of one {@code decodeStepMicros} call for the EP320 deployment (320 dies) at batch 96 per NPU —
 * the emulation makes this call on every engine step (twice over the dies under the adaptive microbatch policy: once
 * per policy). Target: under 5 µs, allocation-free ({@code -prof gc}).
 *
 * <p>Run (not part of {@code mvn verify}; see docs/MODEL.md):
 * <pre>
 * cd /work/main
 * mvn -o -q -pl model test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp model/target/test-classes:model/target/classes:$(cat model/target/test-cp.txt) org.openjdk.jmh.Main DecodeStepBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeStepBenchmark {

    @Param({"96"})
    public int batchPerNpu;

    private ServingCostModel model;
    private int[] seqs;
    private long[] kv;

    @Setup
    public void setup() {
        model = CostModels.forScenario(ScenarioSpec.paperDefault());
        int dies = model.layout().decodeDiesPerInstance();
        seqs = new int[dies];
        kv = new long[dies];
        for (int i = 0; i < dies; i++) {
            seqs[i] = batchPerNpu / 2 - (i % 3);           // slightly uneven, as in a running engine
            kv[i] = (long) seqs[i] * (3000 + (i * 37) % 2000);
        }
    }

    @Benchmark
    public long decodeStep() {
        return model.decodeStepMicros(seqs, kv);
    }
}
