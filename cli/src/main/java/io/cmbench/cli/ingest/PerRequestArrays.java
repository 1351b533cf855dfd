package io.cmbench.cli.ingest;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The result layout vLLM's serving benchmark and SGLang's bench_serving (adapted from it) share: one JSON object per
 * run, with one array element per request sent, in send order — {@code input_lens}, {@code output_lens}, {@code ttfts}
 * (s), {@code itls} (a list of inter-token gaps per request, s), {@code errors} ("" when it succeeded) and, in vLLM since
 * {@code vllm bench serve}, {@code start_times} (the client's {@code time.perf_counter()} when it sent the request, s).
 * A request is: arrival = its start time (or {@link ArrivalSchedule}), first token = arrival + ttft, last token = first
 * token + sum(itls); its id is its index in the arrays.
 */
final class PerRequestArrays {
    private PerRequestArrays() {}

    /** Keys never needed and possibly large. */
    private static final Set<String> SKIP = Set.of("generated_texts", "server_info", "rps_change_events", "latencies",
            "queue_times", "finish_reasons", "error_kinds");

    /** @param detailsHint how to make the tool write its per-request arrays (for a file without them) */
    static MeasuredRun read(Path file, Integer result, IngestFormat format, String detailsHint) throws IOException {
        JsonFields f = new JsonFields(file);
        LocatedJson.Value run = ResultChoice.pick(file, LocatedJson.readJson(file, SKIP), result, "result");
        if (run.kind() != LocatedJson.Kind.OBJECT) {
            throw f.bad(run, "(result)", "not a JSON object, got '" + run.quoted() + "'");
        }
        List<LocatedJson.Value> ttfts = f.array(run, "ttfts", -1, detailsHint);
        int n = ttfts.size();
        List<LocatedJson.Value> itls = f.array(run, "itls", n, detailsHint);
        List<LocatedJson.Value> inputLens = f.array(run, "input_lens", n, detailsHint);
        List<LocatedJson.Value> outputLens = f.array(run, "output_lens", n, detailsHint);
        List<LocatedJson.Value> errors = f.array(run, "errors", n, detailsHint);
        LocatedJson.Value startField = run.field("start_times");
        List<LocatedJson.Value> starts = startField == null || startField.kind() == LocatedJson.Kind.NULL ? null
                : f.array(run, "start_times", n, null);

        boolean[] failed = new boolean[n];
        long[] ttft = new long[n];
        long[] decode = new long[n];
        int failures = 0;
        String firstFailure = null;
        for (int i = 0; i < n; i++) {
            String error = JsonFields.text(errors.get(i));
            if (!error.isBlank()) {
                failed[i] = true;
                failures++;
                if (firstFailure == null) {
                    firstFailure = "request " + i + ": " + firstLine(error);
                }
                continue;
            }
            ttft[i] = f.secondsAsMicros(ttfts.get(i), "ttfts[" + i + "]");
            decode[i] = sumAsMicros(f, itls.get(i), "itls[" + i + "]");
        }
        long[] arrival = new long[n];
        String arrivals;
        if (starts != null) {
            for (int i = 0; i < n; i++) {
                if (!failed[i]) {
                    arrival[i] = f.secondsAsMicros(starts.get(i), "start_times[" + i + "]");
                }
            }
            arrivals = "the recorded start_times (when the client sent each request)";
        } else {
            double rate = rate(f, run);
            int concurrency = concurrency(f, run);
            long[] latency = new long[n];
            for (int i = 0; i < n; i++) {
                latency[i] = ttft[i] + decode[i];
            }
            arrival = ArrivalSchedule.sendTimesMicros(latency, rate, concurrency);
            arrivals = "reconstructed (the file records no send times): request i due at i / request_rate ("
                    + (Double.isInfinite(rate) ? "inf: all at 0" : rate + "/s") + ")"
                    + (concurrency > 0 ? ", sent when one of its max_concurrency " + concurrency + " slots frees" : "");
        }
        List<MeasuredRequest> out = new ArrayList<>(n - failures);
        for (int i = 0; i < n; i++) {
            if (failed[i]) {
                continue;
            }
            int prompt = f.count(inputLens.get(i), "input_lens[" + i + "]", 0);
            int output = f.count(outputLens.get(i), "output_lens[" + i + "]", 1);
            long first = arrival[i] + ttft[i];
            long last = first + decode[i];
            if (last > JsonFields.MAX_MICROS) {
                throw f.bad(ttfts.get(i), "ttfts[" + i + "]", "arrival + ttft + sum(itls) beyond 2^53 us, got '"
                        + ttfts.get(i).text() + "'");
            }
            out.add(new MeasuredRequest(Integer.toString(i), arrival[i], first, last, prompt, output));
        }
        return new MeasuredRun(format, out, failures, firstFailure, arrivals);
    }

    /** The exact sum of a request's inter-token gaps (s), as whole microseconds. */
    private static long sumAsMicros(JsonFields f, LocatedJson.Value gaps, String field) {
        if (gaps.kind() != LocatedJson.Kind.ARRAY) {
            throw f.bad(gaps, field, "not an array, got '" + gaps.quoted() + "'");
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < gaps.items().size(); k++) {
            LocatedJson.Value g = gaps.items().get(k);
            f.secondsAsMicros(g, field + "[" + k + "]"); // checks the gap: a number, finite, not negative
            sum = sum.add(new BigDecimal(g.text()));
        }
        return f.secondsAsMicros(new LocatedJson.Value(LocatedJson.Kind.NUMBER, gaps.line(), sum.toPlainString(),
                java.util.Map.of(), List.of()), field);
    }

    private static double rate(JsonFields f, LocatedJson.Value run) {
        LocatedJson.Value r = f.require(run, "request_rate", "request_rate",
                "needed to place the requests in time when the file has no start_times");
        String t = r.text() == null ? "" : r.text().trim();
        if (t.equalsIgnoreCase("inf") || t.equals("Infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double v = Double.parseDouble(t);
            if (r.kind() == LocatedJson.Kind.NUMBER && v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw f.bad(r, "request_rate", "must be a rate > 0 or inf (a trace replay's send times are not in the file), got '"
                + r.text() + "'");
    }

    private static int concurrency(JsonFields f, LocatedJson.Value run) {
        LocatedJson.Value c = run.field("max_concurrency");
        return c == null || c.kind() == LocatedJson.Kind.NULL ? 0 : f.count(c, "max_concurrency", 1);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }
}
