package io.cmbench.cluster.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * A SASL/PLAIN user and password for a broker and its clients. The password never appears in
 * {@link #toString()}; {@link #mask(String)} removes it from any text before it is printed or logged.
 */
public final class SaslCredentials {
    public static final String DEFAULT_USERNAME = "cmbench";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final String username;
    private final String password;

    public SaslCredentials(String username, String password) {
        this.username = requireJaasSafe("username", username);
        this.password = requireJaasSafe("password", password);
    }

    /** User {@value #DEFAULT_USERNAME} with a random 32-character password. */
    public static SaslCredentials generate() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return new SaslCredentials(DEFAULT_USERNAME, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Reads {@code username} and {@code password} from a properties file (a missing username means
     * {@value #DEFAULT_USERNAME}).
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or has no password
     */
    public static SaslCredentials load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read SASL credentials from " + file + ": " + e.getMessage(), e);
        }
        String password = p.getProperty("password");
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("SASL credentials file " + file + " has no 'password' entry");
        }
        return new SaslCredentials(p.getProperty("username", DEFAULT_USERNAME).strip(), password.strip());
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** The client-side {@code sasl.jaas.config} value. */
    public String clientJaasConfig() {
        return PLAIN_LOGIN_MODULE + " required username=\"" + username + "\" password=\"" + password + "\";";
    }

    /** The broker's JAAS file: it authenticates as this user and accepts only this user. */
    public String brokerJaasFile() {
        return "KafkaServer {\n  " + PLAIN_LOGIN_MODULE + " required\n"
                + "  username=\"" + username + "\"\n"
                + "  password=\"" + password + "\"\n"
                + "  user_" + username + "=\"" + password + "\";\n};\n";
    }

    /** {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} for any Kafka client. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty("sasl.jaas.config", clientJaasConfig());
        return p;
    }

    /** Writes {@link #clientProperties()} to {@code file} (owner read/write only); returns the file. */
    public Path writeClientProperties(Path file) {
        String text = "# Kafka client properties for the cmbench cluster broker (SASL/PLAIN). Keep this file private.\n"
                + "security.protocol=SASL_PLAINTEXT\n"
                + "sasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=" + escapeProperty(clientJaasConfig()) + "\n";
        writePrivate(file, text);
        return file;
    }

    /** Writes {@code username}/{@code password} in the format {@link #load(Path)} reads. */
    public Path writeCredentials(Path file) {
        writePrivate(file, "username=" + escapeProperty(username) + "\npassword=" + escapeProperty(password) + "\n");
        return file;
    }

    /** {@code text} with every occurrence of the password replaced by {@code ****}. */
    public String mask(String text) {
        return text == null ? null : text.replace(password, "****");
    }

    @Override
    public String toString() {
        return username + ":****";
    }

    static void writePrivate(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException noPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String escapeProperty(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String requireJaasSafe(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("SASL " + what + " must not be empty");
        }
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\' || c == ';' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("SASL " + what + " must not contain quotes, backslashes, ';' or spaces");
            }
        }
        return value;
    }
}
