package io.cmbench.cli.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * GuideLLM's benchmarks report (JSON or YAML, report schema version 2): {@code benchmarks[].requests.successful[]}, each
 * with {@code request_id}, {@code info.timings.request_start}, {@code first_token_iteration},
 * {@code last_token_iteration} (Unix seconds) and the token counts {@code prompt_tokens}, {@code output_tokens}.
 * Arrival = request_start (GuideLLM's own TTFT starts there), first token = first_token_iteration, last token =
 * last_token_iteration. {@code errored} and {@code incomplete} requests are counted as failed.
 */
final class GuideLlmReportReader {
    private GuideLlmReportReader() {}

    private static final Set<String> SKIP = Set.of("output", "reasoning_output", "request_args", "tool_calls", "config",
            "metrics", "scheduler_state", "scheduler_metrics", "traceback");

    static MeasuredRun read(Path file, Integer result) throws IOException {
        JsonFields f = new JsonFields(file);
        List<LocatedJson.Value> docs = yaml(file) ? LocatedJson.readYaml(file, SKIP) : LocatedJson.readJson(file, SKIP);
        LocatedJson.Value report = ResultChoice.pick(file, docs, null, "report");
        if (report.kind() != LocatedJson.Kind.OBJECT) {
            throw f.bad(report, "(report)", "not an object, got '" + report.quoted() + "'");
        }
        List<LocatedJson.Value> benchmarks = f.array(report, "benchmarks", -1, null);
        LocatedJson.Value benchmark = ResultChoice.pick(file, benchmarks, result, "benchmark");
        int b = benchmarks.indexOf(benchmark);
        String at = "benchmarks[" + b + "].requests";
        LocatedJson.Value requests = f.require(benchmark, "requests", at, null);
        List<LocatedJson.Value> successful = list(f, requests, "successful", at);
        List<LocatedJson.Value> errored = list(f, requests, "errored", at);
        List<LocatedJson.Value> incomplete = list(f, requests, "incomplete", at);

        List<MeasuredRequest> out = new ArrayList<>(successful.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < successful.size(); i++) {
            String where = at + ".successful[" + i + "]";
            LocatedJson.Value s = successful.get(i);
            String id = JsonFields.text(f.require(s, "request_id", where + ".request_id", null));
            if (!ids.add(id)) {
                throw f.bad(s.field("request_id"), where + ".request_id", "duplicate, got '" + id + "'");
            }
            LocatedJson.Value timings = f.require(f.require(s, "info", where + ".info", null), "timings",
                    where + ".info.timings", null);
            String tw = where + ".info.timings.";
            long arrival = f.secondsAsMicros(f.require(timings, "request_start", tw + "request_start", null),
                    tw + "request_start");
            LocatedJson.Value firstV = f.require(timings, "first_token_iteration", tw + "first_token_iteration",
                    "a streaming request records it");
            long first = f.secondsAsMicros(firstV, tw + "first_token_iteration");
            LocatedJson.Value lastV = f.require(timings, "last_token_iteration", tw + "last_token_iteration",
                    "a streaming request records it");
            long last = f.secondsAsMicros(lastV, tw + "last_token_iteration");
            if (first < arrival) {
                throw f.bad(firstV, tw + "first_token_iteration", "before request_start, got '" + firstV.text() + "'");
            }
            if (last < first) {
                throw f.bad(lastV, tw + "last_token_iteration", "before first_token_iteration, got '" + lastV.text() + "'");
            }
            int prompt = f.count(tokens(f, s, "prompt_tokens", "input_metrics", where), where + ".prompt_tokens", 0);
            int output = f.count(tokens(f, s, "output_tokens", "output_metrics", where), where + ".output_tokens", 1);
            out.add(new MeasuredRequest(id, arrival, first, last, prompt, output));
        }
        String firstFailure = null;
        if (!errored.isEmpty()) {
            LocatedJson.Value info = errored.get(0).field("info");
            String error = info == null ? "" : JsonFields.text(info.field("error"));
            firstFailure = "errored request " + JsonFields.text(errored.get(0).field("request_id"))
                    + (error.isBlank() ? "" : ": " + error.strip().lines().findFirst().orElse(""));
        } else if (!incomplete.isEmpty()) {
            firstFailure = "incomplete request " + JsonFields.text(incomplete.get(0).field("request_id"));
        }
        return new MeasuredRun(IngestFormat.GUIDELLM, out, errored.size() + incomplete.size(), firstFailure,
                "the recorded info.timings.request_start (when the backend began the request)");
    }

    /** The report's count ({@code prompt_tokens}), else its usage metrics' {@code total_tokens}. */
    private static LocatedJson.Value tokens(JsonFields f, LocatedJson.Value s, String name, String metrics, String where) {
        LocatedJson.Value v = s.field(name);
        if (v != null && v.kind() != LocatedJson.Kind.NULL) {
            return v;
        }
        LocatedJson.Value m = s.field(metrics);
        if (m != null && m.kind() == LocatedJson.Kind.OBJECT && m.field("total_tokens") != null) {
            return m.field("total_tokens");
        }
        throw f.bad(s, where + "." + name, "missing (nor " + metrics + ".total_tokens)");
    }

    private static List<LocatedJson.Value> list(JsonFields f, LocatedJson.Value requests, String name, String at) {
        LocatedJson.Value v = requests.field(name);
        if (v == null || v.kind() == LocatedJson.Kind.NULL) {
            return List.of();
        }
        if (v.kind() != LocatedJson.Kind.ARRAY) {
            throw f.bad(v, at + "." + name, "not an array, got '" + v.quoted() + "'");
        }
        return v.items();
    }

    /** A YAML report (GuideLLM writes either): its first non-blank character does not open a JSON object. */
    private static boolean yaml(Path file) throws IOException {
        try (var r = Files.newBufferedReader(file)) {
            int c;
            while ((c = r.read()) >= 0) {
                if (!Character.isWhitespace(c)) {
                    return c != '{';
                }
            }
        }
        return false;
    }
}
