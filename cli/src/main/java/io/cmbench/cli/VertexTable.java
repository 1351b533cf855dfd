package io.cmbench.cli;

import io.cmbench.cluster.rest.VertexMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A job's per-vertex, per-subtask work as the benchmark prints it: a table, or the {@code vertices} JSON array. */
final class VertexTable {
    private static final int NAME_WIDTH = 60;

    private VertexTable() {}

    static List<Map<String, Object>> json(List<VertexMetrics> vertices) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VertexMetrics v : vertices) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("parallelism", v.parallelism());
            m.put("records_in", v.recordsIn());
            m.put("records_out", v.recordsOut());
            m.put("records_max_over_mean", v.recordsMaxOverMean());
            m.put("busy_max_over_mean", v.busyMaxOverMean());
            if (v.hasCpu()) {
                m.put("cpu_max_over_mean", v.cpuMaxOverMean());
            }
            List<Map<String, Object>> subtasks = new ArrayList<>();
            for (VertexMetrics.Subtask s : v.subtasks()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("subtask", s.index());
                t.put("task_manager", s.taskManager());
                t.put("records_in", s.recordsIn());
                t.put("records_out", s.recordsOut());
                t.put("busy_ms", s.busyMillis());
                t.put("idle_ms", s.idleMillis());
                t.put("backpressured_ms", s.backPressuredMillis());
                if (s.cpuMillis() >= 0) {
                    t.put("cpu_ms", s.cpuMillis());
                }
                subtasks.add(t);
            }
            m.put("subtasks", subtasks);
            out.add(m);
        }
        return out;
    }

    /**
     * One line per vertex: its subtasks' records, busy ms and (keyed stages) CPU ms, and the max/mean of each (1.0 =
     * even).
     */
    static String text(List<VertexMetrics> vertices) {
        StringBuilder b = new StringBuilder(String.format("%-" + NAME_WIDTH + "s %-24s %6s %-20s %6s %-20s %6s%n",
                "vertex", "records per subtask", "max/mn", "busy ms per subtask", "max/mn", "cpu ms per subtask",
                "max/mn"));
        for (VertexMetrics v : vertices) {
            boolean source = v.recordsIn() == 0 && v.recordsOut() > 0;
            List<String> records = v.subtasks().stream()
                    .map(s -> String.format("%,d", source ? s.recordsOut() : s.recordsIn())).toList();
            List<String> busy = v.subtasks().stream().map(s -> String.format("%,d", s.busyMillis())).toList();
            String cpu = v.hasCpu() ? String.format("%-20s %6.2f", String.join(" ", v.subtasks().stream()
                    .map(s -> String.format("%,d", s.cpuMillis())).toList()), v.cpuMaxOverMean()) : "";
            b.append(String.format("%-" + NAME_WIDTH + "s %-24s %6.2f %-20s %6.2f %s", shorten(v.name()),
                    (source ? "out " : "") + String.join(" ", records), v.recordsMaxOverMean(), String.join(" ", busy),
                    v.busyMaxOverMean(), cpu).stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }

    /**
     * For subtasks spread over several TaskManagers: each keyed stage's CPU ms per TaskManager and the max/mean within
     * each, so that a difference between the TaskManagers shows apart from one between the keys. Empty otherwise.
     */
    static String byTaskManager(List<VertexMetrics> vertices) {
        StringBuilder b = new StringBuilder();
        for (VertexMetrics v : vertices) {
            Map<String, List<VertexMetrics.Subtask>> byTm = new java.util.TreeMap<>();
            v.subtasks().forEach(s -> byTm.computeIfAbsent(s.taskManager(), k -> new ArrayList<>()).add(s));
            if (!v.hasCpu() || byTm.size() < 2) {
                continue;
            }
            if (b.isEmpty()) {
                b.append(String.format("%-" + NAME_WIDTH + "s %s%n", "keyed stage, per TaskManager",
                        "cpu ms (max/mean of its subtasks)"));
            }
            List<String> parts = new ArrayList<>();
            byTm.forEach((tm, subtasks) -> parts.add(String.format("%s %,d (%.2f)", tm,
                    subtasks.stream().mapToLong(VertexMetrics.Subtask::cpuMillis).sum(),
                    VertexMetrics.maxOverMean(subtasks.stream().mapToLong(VertexMetrics.Subtask::cpuMillis).toArray()))));
            b.append(String.format("%-" + NAME_WIDTH + "s %s%n", shorten(v.name()), String.join("  ", parts)));
        }
        return b.toString();
    }

    private static String shorten(String name) {
        return name.length() <= NAME_WIDTH ? name : name.substring(0, NAME_WIDTH - 3) + "...";
    }
}
