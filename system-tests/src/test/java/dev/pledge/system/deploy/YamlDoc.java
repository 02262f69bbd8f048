package dev.pledge.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** One YAML document of a deployment file, and the few ways the checks walk it. */
public record YamlDoc(Path file, String relative, Map<String, Object> body) {

    /** Every document of a file, empty ones left out. Anchors, aliases and merge keys are resolved. */
    public static List<YamlDoc> load(Path home, Path file) {
        org.yaml.snakeyaml.Yaml parser = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()));
        List<YamlDoc> docs = new ArrayList<>();
        try {
            for (Object doc : parser.loadAll(Files.readString(file))) {
                if (doc instanceof Map<?, ?> map) {
                    docs.add(new YamlDoc(file, home.relativize(file).toString(), cast(map)));
                } else if (doc != null) {
                    throw new IllegalStateException(home.relativize(file) + ": a document that is not a mapping");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    public String kind() {
        return str(body, "kind");
    }

    public String name() {
        return str(body, "metadata", "name");
    }

    /** The API group of apiVersion: "" for the core group, "apps" for apps/v1. */
    public String group() {
        String apiVersion = str(body, "apiVersion");
        return apiVersion == null || !apiVersion.contains("/") ? "" : apiVersion.substring(0, apiVersion.indexOf('/'));
    }

    /** How a failure names this document: its file, kind and name. */
    public String where() {
        return relative + ": " + kind() + "/" + name();
    }

    public boolean is(String kind, String name) {
        return kind.equals(kind()) && name.equals(name());
    }

    /** The value at a path of keys, or null where the path ends early. */
    public static Object get(Object node, String... path) {
        Object at = node;
        for (String key : path) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(key);
        }
        return at;
    }

    public static String str(Object node, String... path) {
        Object value = get(node, path);
        return value == null ? null : String.valueOf(value);
    }

    public static Map<String, Object> map(Object node, String... path) {
        return get(node, path) instanceof Map<?, ?> map ? cast(map) : Map.of();
    }

    public static List<Map<String, Object>> maps(Object node, String... path) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (get(node, path) instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    out.add(cast(map));
                }
            }
        }
        return out;
    }

    public static List<String> strings(Object node, String... path) {
        List<String> out = new ArrayList<>();
        if (get(node, path) instanceof List<?> list) {
            list.forEach(item -> out.add(String.valueOf(item)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
