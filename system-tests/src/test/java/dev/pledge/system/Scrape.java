package dev.pledge.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One reading of a service's Prometheus endpoint ({@code /q/metrics}), as Prometheus would scrape it. */
final class Scrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    /**
     * A sample: name, labels (a value may hold braces: {@code uri="/branches/{gid}/prepare"}), value, and when
     * traces are sampled an exemplar ({@code # {trace_id=...} ...}).
     */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*?\\})? (\\S+)( # .*)?$");

    /** Each series (name and labels as written) and its value. */
    private final Map<String, Double> series = new LinkedHashMap<>();

    private Scrape(String text) {
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                series.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
    }

    static Scrape of(String baseUrl) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(baseUrl + "/q/metrics answered " + r.statusCode());
        }
        return new Scrape(r.body());
    }

    /** The sum over the series of {@code name} that carry every given label, written {@code key="value"}. */
    double value(String name, String... labels) {
        return series.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .filter(e -> java.util.Arrays.stream(labels).allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The series of {@code name}, for a failure message. */
    String show(String name) {
        return series.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ", name + ": [", "]"));
    }

    /** The names of every series read. */
    Set<String> names() {
        return series.keySet().stream().map(k -> k.contains("{") ? k.substring(0, k.indexOf('{')) : k)
                .collect(Collectors.toSet());
    }
}
