package dev.pledge.system.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Quarkus service of the reactor, as its deployment must know it: read from its {@code application.properties}.
 */
public record ServiceModule(String name, Properties properties) {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    /** The repository root: {@code pledge.home} as Maven hands it on, else the nearest folder up with mvnw. */
    public static Path home() {
        String property = System.getProperty("pledge.home");
        Path dir = Path.of(property != null ? property : "").toAbsolutePath().normalize();
        while (property == null && dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Every module of the root pom that is an HTTP service (its application.properties sets quarkus.http.port). */
    public static List<ServiceModule> all(Path home) {
        List<ServiceModule> services = new ArrayList<>();
        Matcher modules = MODULE.matcher(read(home.resolve("pom.xml")));
        while (modules.find()) {
            String module = modules.group(1).trim();
            Path props = home.resolve(module).resolve("src/main/resources/application.properties");
            if (Files.exists(props)) {
                Properties p = load(props);
                if (p.getProperty("quarkus.http.port") != null) {
                    services.add(new ServiceModule(module, p));
                }
            }
        }
        return services;
    }

    /** The services that are deployed: those whose build names a container image (not the local stack's balancer). */
    public static List<ServiceModule> deployed(Path home) {
        return all(home).stream().filter(s -> s.buildSetting("quarkus.container-image.name") != null).toList();
    }

    /** A setting's environment variable, by Quarkus' rule: upper case, anything not a letter or digit as '_'. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public String property(String key) {
        return properties.getProperty(key);
    }

    public int httpPort() {
        return Integer.parseInt(property("quarkus.http.port").trim());
    }

    /** The image a build with -Dquarkus.container-image.build=true makes, without its tag: group/name. */
    public String image() {
        return buildSetting("quarkus.container-image.group") + "/" + buildSetting("quarkus.container-image.name");
    }

    public String buildSetting(String key) {
        return property(key);
    }

    /** The database named at the end of its JDBC URL, if it has one. */
    public Optional<String> database() {
        String url = property("quarkus.datasource.jdbc.url");
        if (url == null) {
            return Optional.empty();
        }
        String path = url.replaceFirst("\\?.*$", "");
        return Optional.of(path.substring(path.lastIndexOf('/') + 1));
    }

    public boolean usesKafka() {
        return property("kafka.bootstrap.servers") != null;
    }

    /** A participant: it holds 2PC/3PC branches as prepared transactions. */
    public boolean isParticipant() {
        return properties.stringPropertyNames().stream().anyMatch(k -> k.startsWith("pledge.participant."));
    }

    /** Its own settings (pledge.*), profile-specific ones (%test.) left out. */
    public TreeSet<String> pledgeKeys() {
        TreeSet<String> keys = new TreeSet<>();
        properties.stringPropertyNames().stream().filter(k -> k.startsWith("pledge.")).forEach(keys::add);
        return keys;
    }

    /** The Kafka topics it reads, and those it sends records it could not read to. */
    public TreeSet<String> topicsRead() {
        TreeSet<String> topics = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            // the channel's topic, and its dead-letter-queue.topic
            if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".topic")) {
                topics.add(property(key).trim());
            }
        }
        return topics;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
