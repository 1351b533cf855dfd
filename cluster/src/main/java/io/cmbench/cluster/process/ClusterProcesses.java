package io.cmbench.cluster.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The detached JVMs of one cluster directory. Every JVM started here carries two marker system
 * properties ({@code -Dcmbench.cluster.dir=DIR -Dcmbench.role=ROLE}) and a pid file {@code pids/ROLE.pid},
 * so another invocation finds them again ({@code status}, {@code stop}) and never mistakes a recycled pid
 * for one of ours.
 */
public final class ClusterProcesses {
    private static final String DIR_PROPERTY = "-Dcmbench.cluster.dir=";
    private static final String ROLE_PROPERTY = "-Dcmbench.role=";
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Path dir;

    public ClusterProcesses(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The two marker JVM options to put before the main class of a JVM with this role. */
    public List<String> markers(String role) {
        return List.of(DIR_PROPERTY + dir, ROLE_PROPERTY + role);
    }

    public Path pidFile(String role) {
        return dir.resolve("pids").resolve(role + ".pid");
    }

    /**
     * Starts {@code command} (which must contain {@link #markers}) detached from this JVM's session, stdin
     * from /dev/null, stdout and stderr appended to {@code out}; writes its pid file.
     */
    public ProcessHandle launch(String role, List<String> command, Path out) {
        if (!command.containsAll(markers(role))) {
            throw new IllegalArgumentException("command of " + role + " lacks the marker options");
        }
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString()); // own session: a Ctrl-C or hang-up of the launching terminal does not reach it
        }
        cmd.addAll(command);
        try {
            Files.createDirectories(out.getParent());
            Files.createDirectories(pidFile(role).getParent());
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            ProcessHandle h = p.toHandle();
            Files.writeString(pidFile(role), p.pid() + "\n", StandardCharsets.UTF_8);
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + role + ": " + e.getMessage(), e);
        }
    }

    /** The live process of {@code role}, if any (from its pid file, checked against the markers). */
    public Optional<ProcessHandle> find(String role) {
        Optional<ProcessHandle> byPid = readPid(role).flatMap(ProcessHandle::of)
                .filter(h -> h.isAlive() && role.equals(roleOf(h)));
        return byPid.isPresent() ? byPid : Optional.ofNullable(scan().get(role));
    }

    /** Every live JVM of this directory by role (a scan of the process table for the markers). */
    public Map<String, ProcessHandle> running() {
        return scan();
    }

    /** Roles that have a pid file (alive or not), sorted. */
    public List<String> recordedRoles() {
        Path pids = dir.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(pids)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".pid"))
                    .map(n -> n.substring(0, n.length() - 4))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The pid recorded for {@code role}, alive or not. */
    public Optional<Long> readPid(String role) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile(role), StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void forget(String role) {
        try {
            Files.deleteIfExists(pidFile(role));
        } catch (IOException ignored) {
            // a stale pid file is harmless: find() checks the markers
        }
    }

    /** SIGKILL and wait (at most 30 s) until the process is gone. */
    public static void kill(ProcessHandle h) {
        h.destroyForcibly();
        awaitExit(h, Duration.ofSeconds(30));
    }

    /**
     * SIGTERM to all of {@code handles} at once, then waits up to {@code grace} for each; whatever is still
     * alive then gets SIGKILL. Returns when every process is gone (or 30 s after the SIGKILL).
     */
    public static void terminate(Collection<ProcessHandle> handles, Duration grace) {
        handles.forEach(ProcessHandle::destroy);
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (ProcessHandle h : handles) {
            waits.add(CompletableFuture.runAsync(() -> {
                if (!awaitExit(h, grace)) {
                    h.destroyForcibly();
                    awaitExit(h, Duration.ofSeconds(30));
                }
            }));
        }
        waits.forEach(CompletableFuture::join);
    }

    private static boolean awaitExit(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }

    private Map<String, ProcessHandle> scan() {
        Map<String, ProcessHandle> out = new TreeMap<>();
        String marker = DIR_PROPERTY + dir;
        ProcessHandle.allProcesses().forEach(h -> {
            Optional<String[]> args = h.info().arguments();
            if (args.isEmpty()) {
                return;
            }
            boolean ours = false;
            String role = null;
            for (String a : args.get()) {
                if (a.equals(marker)) {
                    ours = true;
                } else if (a.startsWith(ROLE_PROPERTY)) {
                    role = a.substring(ROLE_PROPERTY.length());
                }
            }
            if (ours && role != null && h.isAlive()) {
                out.put(role, h);
            }
        });
        return out;
    }

    private String roleOf(ProcessHandle h) {
        Optional<String[]> args = h.info().arguments();
        if (args.isEmpty()) {
            return null;
        }
        Map<String, String> found = new LinkedHashMap<>();
        for (String a : args.get()) {
            if (a.startsWith(DIR_PROPERTY)) {
                found.put("dir", a.substring(DIR_PROPERTY.length()));
            } else if (a.startsWith(ROLE_PROPERTY)) {
                found.put("role", a.substring(ROLE_PROPERTY.length()));
            }
        }
        return dir.toString().equals(found.get("dir")) ? found.get("role") : null;
    }
}
