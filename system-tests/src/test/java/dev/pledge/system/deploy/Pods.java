package dev.pledge.system.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reading Deployments and their containers. */
public final class Pods {
    private Pods() {
    }

    public static List<Map<String, Object>> containers(YamlDoc deployment) {
        return YamlDoc.maps(deployment.body(), "spec", "template", "spec", "containers");
    }

    public static Map<String, Object> templateLabels(YamlDoc deployment) {
        return YamlDoc.map(deployment.body(), "spec", "template", "metadata", "labels");
    }

    /** Whether every label a selector asks for is on the labels, with the same value (an empty selector: no). */
    public static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> Objects.equals(String.valueOf(e.getValue()), String.valueOf(labels.get(e.getKey()))));
    }

    /** Whether a port given by number or by name is one of the container's ports. */
    public static boolean hasPort(Map<String, Object> container, Object port) {
        if (port == null) {
            return false;
        }
        String wanted = String.valueOf(port);
        return YamlDoc.maps(container, "ports").stream().anyMatch(p ->
                wanted.equals(YamlDoc.str(p, "name")) || wanted.equals(YamlDoc.str(p, "containerPort")));
    }

    public static String portsText(Map<String, Object> container) {
        return YamlDoc.maps(container, "ports").stream()
                .map(p -> YamlDoc.str(p, "name") + "/" + YamlDoc.str(p, "containerPort")).toList().toString();
    }

    /** The image without its tag (which may be a Compose variable such as {@code ${PLEDGE_TAG:-latest}}). */
    public static String imageName(String image) {
        if (image == null) {
            return null;
        }
        int colon = image.indexOf(':', image.lastIndexOf('/') + 1);
        return colon < 0 ? image : image.substring(0, colon);
    }

    /** A container's environment variable of that name, if it sets one. */
    public static Optional<Map<String, Object>> env(Map<String, Object> container, String name) {
        return YamlDoc.maps(container, "env").stream().filter(e -> name.equals(YamlDoc.str(e, "name"))).findFirst();
    }

    /** The Deployment of that name among the documents. */
    public static Optional<YamlDoc> deployment(List<YamlDoc> docs, String name) {
        return docs.stream().filter(d -> d.is("Deployment", name)).findFirst();
    }
}
