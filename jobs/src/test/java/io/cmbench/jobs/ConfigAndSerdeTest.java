package io.cmbench.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.jobs.analytics.SloAggregate;
import io.cmbench.jobs.analytics.WindowAccumulator;
import io.cmbench.jobs.analytics.WindowAccumulatorSerializer;
import io.cmbench.jobs.serde.AvroRecordSerializer;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.util.List;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;

class ConfigAndSerdeTest {

    @Test
    void sloSpecParsing() {
        assertThat(SloSpec.parse("tpot15")).isEqualTo(new SloSpec("tpot15", 15_000, -1));
        assertThat(SloSpec.parse(" TPOT50 ")).isEqualTo(new SloSpec("tpot50", 50_000, -1));
        assertThat(SloSpec.parse("tpot15+ttft1500")).isEqualTo(new SloSpec("tpot15+ttft1500", 15_000, 1_500_000));
        assertThat(SloSpec.parse("ttft1500+tpot15")).as("either order, one name").isEqualTo(SloSpec.parse("tpot15+ttft1500"));
        assertThat(SloSpec.parse("tpot0.5").tpotBoundMicros()).isEqualTo(500);
        assertThat(SloSpec.defaults()).extracting(SloSpec::name).containsExactly("tpot15", "tpot50");
        for (String bad : List.of("", "tpot", "ttft15", "tpot15+", "tpot-3", "tpot0", "tpot15+ttft0", "tpot0.0001")) {
            assertThatThrownBy(() -> SloSpec.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void sloSpecMeaning() {
        SloSpec s = SloSpec.parse("tpot15+ttft1500");
        assertThat(s.isMetBy(1_000_000, 0, 15_000 * 9, 10)).isTrue();      // TPOT exactly 15 ms
        assertThat(s.isMetBy(1_000_000, 0, 15_000 * 9 + 1, 10)).isFalse();
        assertThat(s.isMetBy(1_500_001, 0, 0, 1)).isFalse();               // one token: TTFT still binds
        assertThat(SloSpec.parse("tpot15").isMetBy(9_999_999, 5, 5, 1)).isTrue(); // one token meets TPOT trivially
    }

    @Test
    void configValidationNamesFieldAndValue() {
        EmulationJobConfig ok = EmulationJobConfig.defaults("localhost:9092").validate();
        assertThat(ok.topics()).isEqualTo(KafkaTopics.defaults());
        assertThat(KafkaTopics.defaults().requests()).isEqualTo("cmbench.requests");
        assertThat(KafkaTopics.defaults().sloWindows()).isEqualTo("cmbench.slo-windows");
        ScenarioSpec p = ScenarioSpec.paperDefault();
        assertThatThrownBy(() -> new EmulationJobConfig("x:1", KafkaTopics.defaults(), List.of(p, p), 1,
                EmulationMode.FULL, true, null).validate()).hasMessageContaining("scenarios[1].name")
                .hasMessageContaining("cloudmatrix384");
        assertThatThrownBy(() -> new EmulationJobConfig(" ", KafkaTopics.defaults(), List.of(p), 1,
                EmulationMode.FULL, true, null).validate()).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> new EmulationJobConfig("x:1", KafkaTopics.defaults(), List.of(), 1,
                EmulationMode.FULL, true, null).validate()).hasMessageContaining("scenarios");

        AnalyticsJobConfig a = AnalyticsJobConfig.defaults("x:1", true).validate();
        assertThat(a.windowSizeMicros()).isEqualTo(10_000_000L);
        assertThatThrownBy(() -> new AnalyticsJobConfig("x:1", KafkaTopics.defaults(), 10, 20, 0, 0,
                SloSpec.defaults(), true, new Properties()).validate()).hasMessageContaining("slideMicros")
                .hasMessageContaining("20");
        assertThatThrownBy(() -> new AnalyticsJobConfig("x:1", KafkaTopics.defaults(), 10, 0, -1, 0,
                SloSpec.defaults(), false, new Properties()).validate()).hasMessageContaining("outOfOrdernessMicros");
        assertThatThrownBy(() -> new AnalyticsJobConfig("x:1", KafkaTopics.defaults(), 0, 0, 0, 0,
                SloSpec.defaults(), false, new Properties()).validate()).hasMessageContaining("windowSizeMicros");
    }

    @Test
    void commandLines() {
        EmulationJobConfig e = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--seed", "5", "--bounded", "--mode", "decode_only",
                "--scenarios", "a:cloudmatrix384:deepseek-r1:cloudmatrix-infer,b:p:m:d:32", "--kafka.acks", "all"}));
        assertThat(e.seed()).isEqualTo(5);
        assertThat(e.bounded()).isTrue();
        assertThat(e.mode()).isEqualTo(EmulationMode.DECODE_ONLY);
        assertThat(e.scenarios()).extracting(ScenarioSpec::name).containsExactly("a", "b");
        assertThat(e.scenarios().get(1).decodeBatchCapPerNpu()).isEqualTo(32);
        assertThat(e.kafkaProperties().getProperty("acks")).isEqualTo("all");
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {"--seed", "1"})))
                .hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--mode", "both"}))).hasMessageContaining("'both'");

        // no variant named: the default, calibrated (also the launcher's older five-field entries)
        assertThat(e.scenarios()).extracting(ScenarioSpec::calibration).containsOnly("calibrated");

        AnalyticsJobConfig a = SloAnalyticsJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--bounded", "--window-micros", "5000000", "--slos", "tpot15+ttft1500,tpot30"}));
        assertThat(a.outOfOrdernessMicros()).isEqualTo(AnalyticsJobConfig.HOLD_UNTIL_END);
        assertThat(a.windowSizeMicros()).isEqualTo(5_000_000);
        assertThat(a.slos()).extracting(SloSpec::name).containsExactly("tpot15+ttft1500", "tpot30");
    }

    @Test
    void theCostModelVariantTravelsWithTheScenarios() throws Exception {
        // a sixth field names the entry's variant; --calibration is the variant of the entries that name none
        EmulationJobConfig inline = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--calibration", "physics",
                "--scenarios", "a:cloudmatrix384:deepseek-r1:cloudmatrix-infer:0:calibrated,b:p:m:d:32"}));
        assertThat(inline.scenarios()).containsExactly(
                new ScenarioSpec("a", "cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0, "calibrated"),
                new ScenarioSpec("b", "p", "m", "d", 32, "physics"));
        // a scenario file (here the shipped one) gets --calibration for all of its scenarios
        EmulationJobConfig file = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--scenarios", "cm384-vs-h800", "--calibration", "physics"}));
        assertThat(file.scenarios()).extracting(ScenarioSpec::calibration).containsOnly("physics");
        assertThat(file.policiesList()).hasSize(2);
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--scenarios", "a:p:m:d:0:fitted"}))).hasMessageContaining("'fitted'");
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--calibration", "bogus"}))).hasMessageContaining("--calibration")
                .hasMessageContaining("'bogus'");

        // the config reaches the tasks Java-serialized: the variant survives the trip
        byte[] bytes = org.apache.flink.util.InstantiationUtil.serializeObject(inline);
        EmulationJobConfig back = org.apache.flink.util.InstantiationUtil.deserializeObject(bytes,
                getClass().getClassLoader());
        assertThat(back.scenarios()).isEqualTo(inline.scenarios());
        assertThat(back.scenarios().get(1).calibration()).isEqualTo("physics");
    }

    @Test
    void theRunsTimeHorizonComesFromItsOptions() {
        EmulationJobConfig bounded = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--last-arrival-micros", "60000000", "--arrival-allowance-micros", "250000"}));
        assertThat(bounded.arrivalHorizonMicros()).isEqualTo(60_250_000L);
        EmulationJobConfig defaultAllowance = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--last-arrival-micros", "60000000"}));
        assertThat(defaultAllowance.arrivalHorizonMicros()).isEqualTo(61_000_000L);
        EmulationJobConfig open = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {"--bootstrap", "h:9"}));
        assertThat(open.lastArrivalMicros()).isEqualTo(EmulationJobConfig.NO_LAST_ARRIVAL);
        assertThat(open.arrivalHorizonMicros()).isEqualTo(io.cmbench.schemas.RequestRules.MAX_ARRIVAL_MICROS);
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--last-arrival-micros", "5", "--arrival-allowance-micros", "-1"})))
                .hasMessageContaining("arrivalAllowanceMicros").hasMessageContaining("-1");
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--last-arrival-micros", Long.toString(1L << 62)})))
                .hasMessageContaining("lastArrivalMicros").hasMessageContaining(Long.toString(1L << 62));
        // the horizon survives the trip to the cluster (the config is serialized with the job graph)
        assertThat(bounded.withPolicies(java.util.Map.of()).arrivalHorizonMicros()).isEqualTo(60_250_000L);
    }

    @Test
    void theMaxLeadComesFromItsOption() {
        EmulationJobConfig dflt = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {"--bootstrap", "h:9"}));
        assertThat(dflt.maxLeadMicros()).isEqualTo(io.cmbench.schemas.RequestRules.DEFAULT_MAX_LEAD_MICROS)
                .isEqualTo(2_000_000L);
        EmulationJobConfig given = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--last-arrival-micros", "60000000", "--max-lead-micros", "5000000"}));
        assertThat(given.maxLeadMicros()).isEqualTo(5_000_000L);
        assertThat(given.withHorizon(1, 2).withPolicies(java.util.Map.of()).maxLeadMicros()).isEqualTo(5_000_000L);
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--max-lead-micros", "0"}))).hasMessageContaining("maxLeadMicros")
                .hasMessageContaining("0");
        assertThat(io.cmbench.schemas.RequestRules.maxLeadCovering(1_000_000L)).isEqualTo(2_000_000L);
        assertThat(io.cmbench.schemas.RequestRules.maxLeadCovering(7_000_000L)).isEqualTo(7_000_000L);
    }

    @Test
    void envelopeClassifiesRecords() {
        assertThat(Envelope.of(TestData.request("r", 5, 10, 2), 0).kind).isEqualTo(Envelope.Kind.REQUEST);
        Envelope hb = Envelope.of(RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("")
                .setArrivalTimeMicros(9).setPromptTokens(0).setOutputTokens(0).build(), 1);
        assertThat(hb.kind).isEqualTo(Envelope.Kind.HEARTBEAT);
        assertThat(hb.eventTime).isEqualTo(9);
        Envelope bad = Envelope.of(TestData.request("r", 5, 10, 0), 2);
        assertThat(bad.kind).isEqualTo(Envelope.Kind.INVALID);
        assertThat(bad.field).isEqualTo("outputTokens");
        assertThat(Envelope.of(TestData.request("r", -1, 10, 2), 3).field).isEqualTo("arrivalTimeMicros");
        assertThat(Envelope.ofRequest("t", 0, 0, "garbage".getBytes()).reason).contains("undecodable");
        assertThat(Envelope.ofCompletion("t", 0, 0, "garbage".getBytes()).kind).isEqualTo(Envelope.Kind.INVALID);
    }

    @Test
    void histogramsRoundTripAndSummarize() {
        Histogram h = LatencyHistograms.newHistogram();
        for (long v = 1; v <= 1000; v++) {
            h.recordValue(v * 1000);
        }
        Histogram back = LatencyHistograms.decode(LatencyHistograms.encode(h));
        assertThat(back.getTotalCount()).isEqualTo(1000);
        assertThat(back.getValueAtPercentile(99)).isEqualTo(h.getValueAtPercentile(99));
        var s = LatencyHistograms.summary(h);
        assertThat(s.getCount()).isEqualTo(1000);
        assertThat((double) s.getP50Micros()).isCloseTo(500_000, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat((double) s.getMaxMicros()).isCloseTo(1_000_000, org.assertj.core.data.Percentage.withPercentage(0.1));
        var empty = LatencyHistograms.summary(LatencyHistograms.newHistogram());
        assertThat(empty.getCount()).isZero();
        assertThat(empty.getP99Micros()).isZero();
        assertThat(LatencyHistograms.decode(empty.getHistogram()).getTotalCount()).isZero();
    }

    @Test
    void accumulatorSerializerKeepsEverything() throws Exception {
        SloAggregate agg = new SloAggregate(SloSpec.defaults());
        WindowAccumulator a = agg.createAccumulator();
        for (int i = 1; i <= 50; i++) {
            agg.add(Completion.newBuilder().setScenario("s").setRequestId("r" + i).setArrivalTimeMicros(0)
                    .setPromptTokens(100).setOutputTokens(i).setPrefillStartMicros(0).setPrefillEndMicros(1_000)
                    .setKvTransferEndMicros(1_000).setFirstTokenMicros(1_000).setLastTokenMicros(1_000 + 20_000L * (i - 1))
                    .setPrefillNpus(16).setDecodeNpus(160).build(), a);
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        WindowAccumulatorSerializer.INSTANCE.serialize(a, out);
        assertThat(out.length()).as("compressed, not a 24 KB counts array per histogram").isLessThan(2_000);
        WindowAccumulator b = WindowAccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(b.scenario).isEqualTo("s");
        assertThat(b.count).isEqualTo(50);
        assertThat(b.outputTokens).isEqualTo(a.outputTokens);
        assertThat(b.goodRequests).containsExactly(a.goodRequests);
        assertThat(b.goodRequests[0]).isEqualTo(1);  // only the one-token request meets TPOT 15 ms (others: 20 ms)
        assertThat(b.goodRequests[1]).isEqualTo(50);
        assertThat(b.tpot.getTotalCount()).isEqualTo(49);
        assertThat(b.e2e.getMaxValue()).isEqualTo(a.e2e.getMaxValue());
        assertThat(b.decodeNpus).isEqualTo(160);
    }

    @Test
    void avroSerializerRoundTrips() throws Exception {
        var ser = new AvroRecordSerializer<>(Completion.class);
        Completion c = Completion.newBuilder().setScenario("s").setRequestId("r").setArrivalTimeMicros(1)
                .setPromptTokens(2).setOutputTokens(3).setPrefillStartMicros(4).setPrefillEndMicros(5)
                .setKvTransferEndMicros(6).setFirstTokenMicros(7).setLastTokenMicros(8).setPrefillNpus(9)
                .setDecodeNpus(10).build();
        DataOutputSerializer out = new DataOutputSerializer(64);
        ser.serialize(c, out);
        ser.serialize(c, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(ser.deserialize(in)).isEqualTo(c);
        assertThat(ser.deserialize(in)).isEqualTo(c);
        assertThat(ser.copy(c)).isEqualTo(c).isNotSameAs(c);
    }

    @Test
    void consumerGroupsFollowTheRunsTopics() {
        KafkaTopics a = KafkaTopics.prefixed("run-a");
        KafkaTopics b = KafkaTopics.prefixed("run-b");
        assertThat(a.emulationGroupId()).isEqualTo("run-a.requests.emulation");
        assertThat(a.analyticsGroupId()).isEqualTo("run-a.completions.analytics");
        assertThat(b.emulationGroupId()).isNotEqualTo(a.emulationGroupId());
    }
}
