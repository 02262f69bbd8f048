package dev.pledge.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A kustomization.yaml and what it puts together, read the way {@code kubectl apply -k} reads it. */
public record Kustomization(Path home, Path dir, YamlDoc doc) {

    public static Kustomization in(Path home, Path dir) {
        return new Kustomization(home, dir, YamlDoc.load(home, dir.resolve("kustomization.yaml")).get(0));
    }

    /** Every folder under root that holds a kustomization.yaml. */
    public static List<Kustomization> under(Path home, Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).sorted()
                    .map(f -> in(home, f.getParent())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String where() {
        return doc.relative();
    }

    public List<String> resources() {
        return YamlDoc.strings(doc.body(), "resources");
    }

    /** The patches of {@code patches:}, each a path to a file or an inline patch with a target. */
    public List<Map<String, Object>> patches() {
        return YamlDoc.maps(doc.body(), "patches");
    }

    /** Files of patches, from {@code patches[].path} and the older {@code patchesStrategicMerge}. */
    public List<String> patchFiles() {
        List<String> files = new ArrayList<>(YamlDoc.strings(doc.body(), "patchesStrategicMerge"));
        patches().stream().map(p -> YamlDoc.str(p, "path")).filter(p -> p != null).forEach(files::add);
        return files;
    }

    /** Files of strategic-merge patches, which name their target by their own kind and name. */
    public List<String> strategicMergeFiles() {
        List<String> files = new ArrayList<>(YamlDoc.strings(doc.body(), "patchesStrategicMerge"));
        patches().stream().filter(p -> !p.containsKey("target")).map(p -> YamlDoc.str(p, "path"))
                .filter(p -> p != null).forEach(files::add);
        return files;
    }

    public List<Map<String, Object>> images() {
        return YamlDoc.maps(doc.body(), "images");
    }

    /** Every YAML file of this folder but the kustomization itself. */
    public List<Path> yamlFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resources it builds before its own patches: its files' documents and those of the folders it includes. */
    public List<YamlDoc> build() {
        List<YamlDoc> docs = new ArrayList<>();
        for (String entry : resources()) {
            Path path = dir.resolve(entry).normalize();
            if (Files.isDirectory(path)) {
                docs.addAll(in(home, path).build());
            } else if (Files.exists(path)) {
                docs.addAll(YamlDoc.load(home, path));
            }
        }
        return docs;
    }
}
