package dev.pledge.system.deploy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * An overlay's patch with a {@code target}: it must select at least one resource it builds on, and each JSON
 * patch operation must find its path there ({@code replace} and {@code remove} the value, {@code add} its
 * parent), or {@code kubectl apply -k} fails.
 */
final class OverlayPatches {
    private OverlayPatches() {
    }

    static void check(List<String> problems, String where, Map<String, Object> patch, List<YamlDoc> built) {
        Map<String, Object> target = YamlDoc.map(patch, "target");
        List<YamlDoc> selected = built.stream().filter(r -> selects(target, r)).toList();
        if (selected.isEmpty()) {
            problems.add(where + ": patch target " + target + " matches no resource it builds on");
            return;
        }
        Object body = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()))
                .load(String.valueOf(patch.getOrDefault("patch", "")));
        if (!(body instanceof List<?> operations)) {
            return;
        }
        for (Object operation : operations) {
            String op = YamlDoc.str(operation, "op");
            String path = YamlDoc.str(operation, "path");
            for (YamlDoc resource : selected) {
                boolean found = "add".equals(op) ? resolves(resource.body(), parent(path)) : resolves(resource.body(), path);
                if (!found) {
                    problems.add(where + ": patch " + op + " " + path + " finds no "
                            + ("add".equals(op) ? "parent of that path" : "such path") + " in " + resource.where());
                }
            }
        }
    }

    private static boolean selects(Map<String, Object> target, YamlDoc resource) {
        String kind = YamlDoc.str(target, "kind");
        String name = YamlDoc.str(target, "name");
        String group = YamlDoc.str(target, "group");
        String labels = YamlDoc.str(target, "labelSelector");
        return (kind == null || kind.equals(resource.kind()))
                && (name == null || resource.name() != null && resource.name().matches(name))
                && (group == null || group.equals(resource.group()))
                && (labels == null || Arrays.stream(labels.split(",")).map(String::trim).allMatch(pair -> {
                    String[] kv = pair.split("=", 2);
                    return kv.length == 2 && kv[1].equals(YamlDoc.str(resource.body(), "metadata", "labels", kv[0]));
                }));
    }

    private static String parent(String path) {
        return path == null ? null : path.substring(0, Math.max(0, path.lastIndexOf('/')));
    }

    /** Whether a JSON pointer (RFC 6901) names a value of the document. */
    static boolean resolves(Object document, String pointer) {
        if (pointer == null) {
            return false;
        }
        Object at = document;
        for (String token : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1)) {
            String key = token.replace("~1", "/").replace("~0", "~");
            if (at instanceof Map<?, ?> map && map.containsKey(key)) {
                at = map.get(key);
            } else if (at instanceof List<?> list && key.matches("\\d+") && Integer.parseInt(key) < list.size()) {
                at = list.get(Integer.parseInt(key));
            } else {
                return false;
            }
        }
        return true;
    }
}
