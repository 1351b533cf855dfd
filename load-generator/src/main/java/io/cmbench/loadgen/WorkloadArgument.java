package io.cmbench.loadgen;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code --workload FILE|NAME} value: a YAML file, or the name of a shipped workload ({@link WorkloadSpec#BUILTIN}).
 * A file of that name wins. {@link #label()} is what results record: the path as given, or {@code builtin:NAME} —
 * never a temporary copy's path, so the same run gives the same summary bytes wherever it runs.
 */
public record WorkloadArgument(String value, Path file, String builtin) {

  /** What {@code value} names; a value that is neither a file nor a built-in is refused by {@link #load()}. */
  public static WorkloadArgument of(String value) {
    Path file = Path.of(value);
    if (Files.exists(file)) {
      return new WorkloadArgument(value, file, null);
    }
    return new WorkloadArgument(value, null, WorkloadSpec.BUILTIN.contains(value) ? value : null);
  }

  /** True when the value names neither an existing file nor a built-in workload. */
  public boolean unknown() {
    return file == null && builtin == null;
  }

  /** The workload, loaded and validated (errors name the file, line and field). */
  public WorkloadSpec load() {
    if (file != null) {
      TextFiles.Problem notText = TextFiles.problem(file); // names the line, where a parser says "Input length = 1"
      if (notText != null) {
        throw new WorkloadException(value, notText.line(), null, notText.why());
      }
      return WorkloadSpec.load(file);
    }
    if (builtin != null) {
      return WorkloadSpec.builtin(builtin);
    }
    throw new WorkloadException(value, 0, null, "no such file, and not a built-in workload ("
        + String.join(", ", WorkloadSpec.BUILTIN) + ")");
  }

  /** How results name this workload. */
  public String label() {
    return file != null ? value : "builtin:" + builtin;
  }
}
