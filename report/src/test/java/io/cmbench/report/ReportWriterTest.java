package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final Pattern SVG = Pattern.compile("<svg class=\"chart\" id=\"([^\"]+)\" data-points=\"(\\d+)\"(.*?)</svg>",
            Pattern.DOTALL);

    record Chart(String id, int declared, int drawn) {}

    static List<Chart> charts(String html) {
        List<Chart> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            int drawn = 0;
            Matcher pt = Pattern.compile("class=\"pt\"").matcher(m.group(3));
            while (pt.find()) {
                drawn++;
            }
            out.add(new Chart(m.group(1), Integer.parseInt(m.group(2)), drawn));
        }
        return out;
    }

    @Test
    void writesOneSelfContainedFileWithEveryChartDrawn(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.copyRun(tmp.resolve("run"));
        Path out = ReportWriter.write(run);
        assertThat(out).isEqualTo(run.resolve("report.html"));
        String html = Files.readString(out, StandardCharsets.UTF_8);

        // self-contained: nothing fetched, no external reference of any kind
        assertThat(html).doesNotContain("http://", "https://", "src=", "<link", "@import", "url(");
        assertThat(html).doesNotContainIgnoringCase("NaN").doesNotContain("Infinity");

        List<Chart> charts = charts(html);
        // 2 operating-point charts (one per SLO), 3 scenarios x (throughput + attainment + per-die), 3 distributions
        assertThat(charts).hasSize(2 + 3 * 3 + 3);
        for (Chart c : charts) {
            assertThat(c.declared()).as(c.id()).isPositive();
            assertThat(c.drawn()).as(c.id()).isEqualTo(c.declared());
        }
        assertThat(charts).extracting(Chart::id).doesNotHaveDuplicates()
                .contains("goodput-op-0", "goodput-op-1", "tput-0", "attain-2", "dist-tpot", "dist-ttft", "dist-e2e", "die-1");
        // time series: one point per window per series (output + 2 SLOs), 17 windows in the fixture's first scenario
        RunData d = RunData.load(run);
        int windows = d.windows().get("cloudmatrix384").size();
        assertThat(charts.stream().filter(c -> c.id().equals("tput-0")).findFirst().orElseThrow().declared())
                .isEqualTo(3 * windows);
        // operating points: one per scenario per SLO chart
        assertThat(charts.stream().filter(c -> c.id().equals("goodput-op-0")).findFirst().orElseThrow().declared()).isEqualTo(3);
        // per-die bars: one per die
        assertThat(charts.stream().filter(c -> c.id().equals("die-0")).findFirst().orElseThrow().declared()).isEqualTo(16);

        // sections and headline figures
        assertThat(html).contains("id=\"run\"", "id=\"headline\"", "id=\"goodput\"", "id=\"windows\"", "id=\"latency\"",
                "id=\"dies\"", "id=\"report-check\"");
        assertThat(html).doesNotContain("id=\"breakdown\""); // optional input absent
        RunData.ScenarioSummary cm = d.summaries().get("cloudmatrix384");
        assertThat(html).contains(Fmt.auto(cm.outputTokensPerSecPerNpu()), Fmt.auto(cm.slos().get("tpot50").goodputTokensPerSecPerNpu()),
                Fmt.pct(cm.slos().get("tpot50").attainment()));
        // pipeline throughput = requests / wall seconds
        assertThat(html).contains(Fmt.num(d.requests() / d.runInfo().wallSeconds(), 0) + " requests/s");
        assertThat(html).contains("Flink 2.2.1", "Kafka 4.2.0", "seed</dt><dd>42<");
    }

    @Test
    void publishedReferencePointsAreMarkedButNeverData(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.copyRun(tmp.resolve("run"));
        String html = Files.readString(ReportWriter.write(run));
        Matcher m = SVG.matcher(html);
        String tpot15 = null;
        String tpot50 = null;
        while (m.find()) {
            if (m.group(1).equals("goodput-op-0")) {
                tpot15 = m.group(0);
            } else if (m.group(1).equals("goodput-op-1")) {
                tpot50 = m.group(0);
            }
        }
        assertThat(tpot15).contains("published 538 tok/s/NPU @ batch 8").doesNotContain("1,943");
        assertThat(tpot50).contains("published 1,943 tok/s/NPU @ batch 96").doesNotContain("538 tok");
        assertThat(tpot15).contains("class=\"ref-marker\"");
        // the reference marker is not a data point: 3 scenarios = 3 points
        assertThat(charts(tpot50).get(0).declared()).isEqualTo(3);
        // and the published figures appear nowhere as a computed value
        RunData d = RunData.load(run);
        d.sweep().points().forEach(p -> assertThat(p.goodput().values()).doesNotContain(538.0, 1943.0));
    }

    @Test
    void aRunWithoutPublishedPointsMarksNone(@TempDir Path tmp) throws Exception {
        // e.g. an H800 run, or lengths nobody published: summary.json has no published_by_slo
        FixtureRun f = new FixtureRun();
        f.publishedBySlo = false;
        f.writeCompletions = false;
        Path run = tmp.resolve("run");
        f.write(run);
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).doesNotContain("class=\"ref-marker\"").doesNotContain("published 1,943")
                .contains("No published reference for this SLO.");
    }

    @Test
    void offeredLoadAxisWhenScenariosHaveNoBatchCap(@TempDir Path tmp) throws Exception {
        FixtureRun f = new FixtureRun();
        f.scenarios = List.of(new FixtureRun.Scenario("cm384", "cloudmatrix384", "cloudmatrix-infer", 0, 8, 4, 2, 650, 44, 4.5));
        f.writeCompletions = false;
        Path run = tmp.resolve("run");
        f.write(run);
        RunData d = RunData.load(run);
        assertThat(d.sweep().axis()).isEqualTo(RunData.Axis.OFFERED_LOAD);
        assertThat(d.sweep().points()).singleElement().extracting(RunData.OperatingPoint::x).isEqualTo(f.ratePerSec);
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("offered load (requests/s)", "class=\"ref-line\"", "published 1,943 tok/s/NPU");
        assertThat(html).contains("No completions with a decode die"); // optional completions absent
        for (Chart c : charts(html)) {
            assertThat(c.declared()).as(c.id()).isPositive().isEqualTo(c.drawn());
        }
    }

    @Test
    void aDecodeOnlyRunShowsNoPrefillThroughput(@TempDir Path tmp) throws Exception {
        FixtureRun full = new FixtureRun();
        full.write(tmp.resolve("full"));
        assertThat(RunData.load(tmp.resolve("full")).summaries().get("h800").prefillTokensPerSecPerNpu()).isPositive();
        assertThat(Files.readString(ReportWriter.write(tmp.resolve("full")))).contains("prompt tokens per prefill NPU")
                .doesNotContain("decode-only: the KV arrives in place");

        FixtureRun decodeOnly = new FixtureRun();
        decodeOnly.mode = "DECODE_ONLY";
        Path run = tmp.resolve("decode-only");
        decodeOnly.write(run);
        // the requests arrived with their KV in place: prompt tokens over idle prefill NPUs are no throughput
        RunData d = RunData.load(run);
        for (String s : d.scenarios()) {
            assertThat(d.summaries().get(s).prefillTokensPerSecPerNpu()).as(s).isNull();
        }
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("<div class=\"label\">prefill</div><div class=\"value\">— <span class=\"unit\"></span></div>"
                + "<div class=\"note\">decode-only: the KV arrives in place</div>").doesNotContain("prompt tokens per prefill NPU");
    }

    /** A request still decoding long after the drain (e.g. a million output tokens) is named, not plotted. */
    @Test
    void aRequestBeyondTheDrainIsReportedAndStretchesNoChart(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.copyRun(tmp.resolve("run"));
        int windows = RunData.load(run).windows().get("cloudmatrix384").size();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Path windowsFile = run.resolve("slo-windows.jsonl");
        String last = Files.readAllLines(windowsFile).stream().filter(l -> l.contains("\"scenario\":\"cloudmatrix384\""))
                .reduce((a, b) -> b).orElseThrow();
        com.fasterxml.jackson.databind.node.ObjectNode far = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(last);
        far.put("windowStartMicros", 50_000_000_000L).put("windowEndMicros", 50_002_000_000L).put("completedRequests", 1);
        Files.writeString(windowsFile, json.writeValueAsString(far) + "\n", java.nio.file.StandardOpenOption.APPEND);
        com.fasterxml.jackson.databind.node.ObjectNode summary = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(run.resolve("summary.json").toFile());
        for (com.fasterxml.jackson.databind.JsonNode s : summary.path("scenarios")) {
            if (s.path("scenario").asText().equals("cloudmatrix384")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("windows", windows + 1).put("beyondDrainWindows", 1)
                        .put("beyondDrainRequests", 1).put("beyondDrainFromMicros", 50_000_000_000L)
                        .putArray("beyondDrainRequestIds").add("r000042");
            }
        }
        json.writeValue(run.resolve("summary.json").toFile(), summary);

        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("1 request still decoding at the end of the drain windows (completed from 50,000 s on):"
                + " r000042, left out of every figure");
        assertThat(charts(html).stream().filter(c -> c.id().equals("tput-0")).findFirst().orElseThrow().declared())
                .as("the far window is not plotted").isEqualTo(3 * windows);
        assertThat(html).doesNotContain("50,000</text>");
    }

    @Test
    void sweepAndModelBreakdownAreUsedWhenPresent(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.copyRun(tmp.resolve("run"));
        Files.writeString(run.resolve("sweep.json"), """
                {"axis": "batch_cap_per_npu", "points": [
                  {"scenario": "cloudmatrix384", "x": 16, "outputTokensPerSecPerNpu": 700,
                   "slos": {"tpot15": {"goodputTokensPerSecPerNpu": 10, "attainment": 0.01},
                            "tpot50": {"goodputTokensPerSecPerNpu": 700, "attainment": 1.0}}},
                  {"scenario": "cloudmatrix384", "x": 64, "outputTokensPerSecPerNpu": 1500,
                   "slos": {"tpot15": {"goodputTokensPerSecPerNpu": 0, "attainment": 0},
                            "tpot50": {"goodputTokensPerSecPerNpu": 1480, "attainment": 0.98}}},
                  {"scenario": "cloudmatrix384", "x": 96, "outputTokensPerSecPerNpu": 1900,
                   "slos": {"tpot15": {"goodputTokensPerSecPerNpu": 0, "attainment": 0},
                            "tpot50": {"goodputTokensPerSecPerNpu": 1700, "attainment": 0.9}}}]}
                """);
        Files.writeString(run.resolve("model-breakdown.json"), """
                {"cloudmatrix384": {"MLA attention": 9100.5, "MoE dispatch": 2200, "MoE combine": 2600,
                                    "<script>alert(1)</script>": 10}}
                """);
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("Operating points from sweep.json", "id=\"breakdown\"");
        assertThat(html).doesNotContain("<script>alert(1)</script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        List<Chart> charts = charts(html);
        assertThat(charts.stream().filter(c -> c.id().equals("goodput-op-1")).findFirst().orElseThrow().declared()).isEqualTo(3);
        assertThat(charts.stream().filter(c -> c.id().equals("ops-0")).findFirst().orElseThrow().declared()).isEqualTo(4);
        for (Chart c : charts) {
            assertThat(c.declared()).as(c.id()).isPositive().isEqualTo(c.drawn());
        }
    }

    @Test
    void readsTheSweepCommandsSweepJson(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.copyRun(tmp.resolve("run"));
        Files.writeString(run.resolve("sweep.json"), """
                {"tpot15": {"goodput_tokens_per_s_per_npu": 47.5, "batch_per_npu": 8, "tpot_ms": 15.4,
                            "median_within_bound": null},
                 "tpot50": {"goodput_tokens_per_s_per_npu": 2590.5, "batch_per_npu": 96, "tpot_ms": 36.8,
                            "median_within_bound": {"tokens_per_s_per_npu": 2591.0, "batch_per_npu": 96, "tpot_ms": 36.8}},
                 "pool": "decode", "mode": "decode-only",
                 "points": [
                   {"batch_per_npu": 8, "tpot_ms": 15.4, "tokens_per_s_per_npu": 519.0,
                    "goodput_tokens_per_s_per_npu": {"tpot15": 47.5, "tpot50": 519.0}},
                   {"batch_per_npu": 96, "tpot_ms": 36.8, "tokens_per_s_per_npu": 2591.0,
                    "goodput_tokens_per_s_per_npu": {"tpot15": 0.0, "tpot50": 2590.5}}]}
                """);
        RunData d = RunData.load(run);
        assertThat(d.sweep().fromFile()).isTrue();
        assertThat(d.sweep().axis()).isEqualTo(RunData.Axis.BATCH_CAP_PER_NPU);
        assertThat(d.sweep().points()).extracting(RunData.OperatingPoint::x).containsExactly(8.0, 96.0);
        assertThat(d.sweep().points().get(1).goodput()).containsEntry("tpot50", 2590.5);
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("Best here: 2,590 tok/s/NPU (sweep, batch 96/NPU)");
        assertThat(d.sweep().medianWithinBound()).containsOnlyKeys("tpot50");
        assertThat(html).contains("Paper&#39;s reading (fastest point whose median TPOT is within the bound, all tokens "
                + "counted): 2,591 tok/s/NPU at batch 96/NPU (TPOT p50 36.80 ms)");
        List<Chart> charts = charts(html);
        assertThat(charts.stream().filter(c -> c.id().equals("goodput-op-1")).findFirst().orElseThrow().declared()).isEqualTo(2);

        // a prefill sweep has no points: the scenarios' own operating points are plotted instead
        Files.writeString(run.resolve("sweep.json"), "{\"pool\": \"prefill\", \"prefill_tokens_per_s_per_npu\": 5000.0}");
        RunData p = RunData.load(run);
        assertThat(p.sweep().fromFile()).isFalse();
        assertThat(p.sweep().points()).hasSize(3);
    }

    @Test
    void showsThePublishedPointBesideTheMeasuredThroughput(@TempDir Path tmp) throws Exception {
        FixtureRun f = new FixtureRun();
        f.writeCompletions = false;
        Path run = tmp.resolve("run");
        f.write(run);
        // what ./cmbench run writes for the paper's configuration at its cap
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode summary = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(
                run.resolve("summary.json").toFile());
        String first = f.scenarios.get(0).name();
        summary.putObject("published_reference").putObject(first).put("id", "paper-decode-b96").put("batch_per_npu", 96)
                .put("kv_tokens", 4096).put("tpot_ms", 49.4).put("tokens_per_s_per_npu", 1943.3).put("source", "Zuo et al.");
        om.writeValue(run.resolve("summary.json").toFile(), summary);
        RunData d = RunData.load(run);
        assertThat(d.publishedReference()).containsOnlyKeys(first);
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("published 1,943 at batch 96/NPU (paper-decode-b96)").contains("published 49.4 ms");
        assertThat(html.split("published 1,943 at batch", -1)).hasSize(2);   // only the scenario that has one
    }

    @Test
    void namesTheCostModelVariantOfEachScenario(@TempDir Path tmp) throws Exception {
        FixtureRun f = new FixtureRun();
        f.calibration = "physics";
        f.writeCompletions = false;
        Path run = tmp.resolve("run");
        f.write(run);
        RunData d = RunData.load(run);
        assertThat(d.config().scenarios()).extracting(RunData.ScenarioConfig::calibration).containsOnly("physics");
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).contains("<th>cost model</th>", "cost model</dt><dd>physics<");
        assertThat(html.split("<td>physics</td>", -1)).hasSize(f.scenarios.size() + 1); // one cell per scenario

        // a summary.json written before the variants existed (the checked-in fixture) names none
        Path old = Fixtures.copyRun(tmp.resolve("old"));
        assertThat(RunData.load(old).config().scenarios()).extracting(RunData.ScenarioConfig::calibration).containsOnlyNulls();
        assertThat(Files.readString(ReportWriter.write(old))).contains("cost model</dt><dd>–<");
    }

    @Test
    void escapesEveryTextFromTheRun(@TempDir Path tmp) throws Exception {
        FixtureRun f = new FixtureRun();
        String evil = "<img src=x onerror=alert(1)>&\"'";
        f.scenarios = List.of(new FixtureRun.Scenario(evil, "<b>p</b>", "d&d", 8, 2, 1, 2, 600, 14, 1));
        f.ratePerSec = 5;
        f.durationSeconds = 8;
        Path run = tmp.resolve("run");
        f.write(run);
        String html = Files.readString(ReportWriter.write(run));
        assertThat(html).doesNotContain(evil, "<img", "<b>p</b>", "onerror=alert(1)>");
        assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;", "&lt;b&gt;p&lt;/b&gt;", "d&amp;d");
    }

    @Test
    void sameInputSameBytesAndOnlyWindowsSuffice(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.copyRun(tmp.resolve("run"));
        String a = Files.readString(ReportWriter.write(run));
        String b = Files.readString(ReportWriter.write(run, tmp.resolve("elsewhere.html")));
        assertThat(b).isEqualTo(a);

        // a directory holding only slo-windows.jsonl (e.g. read back from the topic) still gives a report
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(run.resolve("slo-windows.jsonl"), bare.resolve("slo-windows.jsonl"));
        String html = Files.readString(ReportWriter.write(bare));
        assertThat(html).contains("cloudmatrix384-b8", "id=\"report-check\"");
        for (Chart c : charts(html)) {
            assertThat(c.declared()).as(c.id()).isPositive().isEqualTo(c.drawn());
        }
    }
}
