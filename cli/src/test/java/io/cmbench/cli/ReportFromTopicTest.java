package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.schemas.LatencySummary;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** {@code cmbench report --from-topic}: the report of whatever SLO windows a topic holds (re-fired windows: latest wins). */
@Tag("integration")
class ReportFromTopicTest {

    @TempDir
    Path tmp;

    private static SloWindow window(long start, long requests) {
        Histogram h = LatencyHistograms.newHistogram();
        h.recordValueWithCount(20_000, requests);
        LatencySummary l = LatencyHistograms.summary(h);
        SloResult slo = SloResult.newBuilder().setName("tpot50").setTpotBoundMicros(50_000).setGoodRequests(requests)
                .setGoodOutputTokens(requests * 100).setGoodputTokensPerSecPerNpu(requests * 10.0)
                .setRequestGoodputPerSec(requests / 10.0).setAttainment(1.0).build();
        return SloWindow.newBuilder().setScenario("s").setWindowStartMicros(start).setWindowEndMicros(start + 10_000_000)
                .setDecodeNpus(1).setPrefillNpus(1).setCompletedRequests(requests).setOutputTokens(requests * 100)
                .setPromptTokens(requests * 1000).setOutputTokensPerSecPerNpu(requests * 10.0)
                .setPrefillTokensPerSecPerNpu(requests * 100.0).setSlos(List.of(slo)).setTtft(l).setTpot(l).setE2e(l).build();
    }

    @Test
    void reportFromTheSloWindowsTopic() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, tmp.resolve("broker"))) {
            KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(), List.of("x.slo-windows"), 2);
            Properties p = new Properties();
            p.put("bootstrap.servers", broker.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (SloWindow w : List.of(window(0, 5), window(10_000_000, 7), window(0, 6))) { // window 0 re-fired
                    ByteBuffer b = w.toByteBuffer();
                    byte[] v = new byte[b.remaining()];
                    b.get(v);
                    producer.send(new ProducerRecord<>("x.slo-windows", "s".getBytes(), v)).get();
                }
            }
            Path dir = tmp.resolve("report");
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute("report", "--from-topic", "x.slo-windows", "--bootstrap", broker.bootstrapServers(),
                    "--in", dir.toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(dir.resolve("report.html")).isRegularFile();
            List<String> lines = Files.readAllLines(dir.resolve("slo-windows.jsonl"));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"windowStartMicros\":0,").contains("\"completedRequests\":6,");
            assertThat(Files.readString(dir.resolve("summary.json"))).contains("\"completedRequests\" : 13");
        }
    }
}
