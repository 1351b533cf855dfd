package io.cmbench.cli.ingest;

import java.nio.file.Path;
import java.util.List;

/**
 * Picks one result of a file that can hold several (SGLang and vLLM append a run per line to the same file; a GuideLLM
 * report holds one benchmark per rate of a sweep): the one asked for with {@code --result}, or the only one.
 */
final class ResultChoice {
    private ResultChoice() {}

    static LocatedJson.Value pick(Path file, List<LocatedJson.Value> results, Integer index, String what) {
        if (results.isEmpty()) {
            throw new BadLineException(file, 1, "(file)", "no " + what + " in the file");
        }
        if (index == null) {
            if (results.size() > 1) {
                throw new BadLineException(file, results.get(1).line(), "(file)", "holds " + results.size() + " " + what
                        + "s; choose one with --result 0.." + (results.size() - 1) + ", got none");
            }
            return results.get(0);
        }
        if (index < 0 || index >= results.size()) {
            throw new IllegalArgumentException("--result: the file holds " + results.size() + " " + what
                    + (results.size() == 1 ? "" : "s") + " (0.." + (results.size() - 1) + "), got '" + index + "'");
        }
        return results.get(index);
    }
}
