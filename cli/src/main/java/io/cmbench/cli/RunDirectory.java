package io.cmbench.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A run's own output directory. A default directory ({@code runs/PREFIX<timestamp>}) is created atomically and gets a
 * suffix ({@code -2}, {@code -3}, ...) when another run took the name in the same second; any directory is then held
 * by an OS file lock, so a second run given the same {@code --out} is refused while the first is alive (the lock goes
 * with the process, so a killed run never blocks a later one).
 */
final class RunDirectory implements AutoCloseable {
    private static final String LOCK = ".cmbench.lock";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** {@code out} if given, else a fresh {@code parent/PREFIX<yyyyMMdd-HHmmss>[-N]}; locked for this run. */
    static RunDirectory claim(Path out, Path parent, String prefix) throws IOException {
        Path dir = out != null ? Files.createDirectories(out) : createUnique(parent,
                prefix + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new RunRefusedException("--out: another run is writing to this directory, got '" + dir + "'");
        }
        dir.resolve(LOCK).toFile().deleteOnExit(); // Ctrl-C: the lock file goes too (the OS drops the lock itself)
        return new RunDirectory(dir, ch, lock);
    }

    /** Creates {@code parent/name}, or {@code name-2}, {@code name-3}, ... when taken: never an existing directory. */
    static Path createUnique(Path parent, String name) throws IOException {
        Files.createDirectories(parent);
        for (int n = 1; ; n++) {
            Path candidate = parent.resolve(n == 1 ? name : name + "-" + n);
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException taken) {
                // another run (or an earlier one) has it: try the next suffix
            }
        }
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            Files.deleteIfExists(dir.resolve(LOCK));
        }
    }
}
