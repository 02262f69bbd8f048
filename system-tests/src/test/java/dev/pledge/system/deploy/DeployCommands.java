package dev.pledge.system.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.pledge.system.docs.DocCommand;

/**
 * The commands the deploy docs show for a Kubernetes cluster, a Docker engine or a registry, none of which a
 * build has: each is checked against what it names instead. A namespace, a folder, a kind, a Service and its
 * port, a label, a Deployment, an image and its tag, a Compose file: each must be what the manifests this suite
 * validates define. Operators installed from their own projects must serve the API groups the manifests use.
 */
public final class DeployCommands {
    /** The operators the docs install, by what the install names, and the API group each serves. */
    private static final Map<String, String> OPERATORS = Map.of("strimzi.io/install", "kafka.strimzi.io",
            "cloudnative-pg", "postgresql.cnpg.io");
    /** Kinds every cluster has, which the manifests create through others. */
    private static final List<String> BUILT_IN = List.of("pods", "pod", "po");

    private final Path home;
    private final Kustomization overlay;
    private final List<YamlDoc> docs = new ArrayList<>();
    private final List<ServiceModule> services;

    public DeployCommands(Path home) {
        this.home = home;
        this.overlay = Kustomization.in(home, home.resolve("deploy/kubernetes/overlays/local"));
        docs.addAll(overlay.build());
        this.services = ServiceModule.deployed(home);
    }

    /** Whether a check here knows the command. */
    public static boolean knows(DocCommand c) {
        return List.of("kubectl", "kind", "docker", "helm").contains(c.program())
                || c.program().equals("./mvnw") && c.args().contains("package");
    }

    /** What the command names that the manifests do not define, one line each. */
    public List<String> check(DocCommand c) {
        List<String> problems = new ArrayList<>();
        switch (c.program()) {
            case "kubectl" -> kubectl(c, new Args(c.args()), problems);
            case "kind" -> image(c, c.args().get(c.args().size() - 1), problems);
            case "docker" -> compose(c, new Args(c.args()), problems);
            case "helm" -> helm(c, problems);
            default -> imageBuild(c, problems);
        }
        return problems;
    }

    private void kubectl(DocCommand c, Args a, List<String> problems) {
        a.option("-n", "--namespace").ifPresent(ns -> namespace(c, ns, problems));
        String verb = a.words.isEmpty() ? "" : a.words.get(0);
        String object = a.words.size() > 1 ? a.words.get(1) : "";
        switch (verb) {
            case "create" -> {
                if (object.equals("namespace")) {
                    namespace(c, a.words.get(2), problems);
                } else if (object.equals("secret")) {
                    String name = a.words.size() > 3 ? a.words.get(3) : "";
                    if (docs.stream().noneMatch(d -> d.is("Secret", name))) {
                        problems.add(c + ": no manifest declares a Secret " + name + " for the pods to read");
                    }
                } else {
                    operator(c, a.option("-f").orElse(""), problems);
                }
            }
            case "apply" -> {
                String dir = a.option("-k").orElse("");
                if (!Files.exists(home.resolve(dir).resolve("kustomization.yaml"))) {
                    problems.add(c + ": no kustomization.yaml in " + dir);
                }
            }
            case "get" -> {
                for (String type : object.split(",")) {
                    if (!BUILT_IN.contains(type) && docs.stream().noneMatch(d -> names(type, d))) {
                        problems.add(c + ": the manifests define no " + type);
                    }
                }
            }
            case "port-forward" -> portForward(c, object, a.words.size() > 2 ? a.words.get(2) : "", problems);
            case "logs" -> {
                String[] label = a.option("-l").orElse("=").split("=", 2);
                if (docs.stream().filter(d -> "Deployment".equals(d.kind()))
                        .noneMatch(d -> label[1].equals(String.valueOf(Pods.templateLabels(d).get(label[0]))))) {
                    problems.add(c + ": no Deployment's pods carry the label " + String.join("=", label));
                }
            }
            case "scale" -> {
                String[] target = object.split("/", 2);
                if (!target[0].equals("deployment") || docs.stream().noneMatch(d -> d.is("Deployment", target[1]))) {
                    problems.add(c + ": the manifests define no " + object);
                }
            }
            case "rollout" -> {
                String[] target = (a.words.size() > 2 ? a.words.get(2) : "").split("/", 2);
                if (!object.equals("restart") || !target[0].equals("deployment") || target.length < 2
                        || docs.stream().noneMatch(d -> d.is("Deployment", target[1]))) {
                    problems.add(c + ": restarts no Deployment the manifests define");
                }
            }
            default -> problems.add(c + ": no check knows kubectl " + verb);
        }
    }

    /** Whether a kubectl resource type (kind, plural, or plural.group) names the document's kind. */
    private static boolean names(String type, YamlDoc d) {
        if (d.kind() == null) {
            return false;
        }
        String kind = d.kind().toLowerCase(Locale.ROOT);
        String[] plural = type.split("\\.", 2);
        boolean kindMatches = plural[0].equals(kind) || plural[0].equals(kind + "s");
        return kindMatches && (plural.length == 1 || plural[1].equals(d.group()));
    }

    private void namespace(DocCommand c, String namespace, List<String> problems) {
        String ours = YamlDoc.str(overlay.doc().body(), "namespace");
        if (!namespace.equals(ours)) {
            problems.add(c + ": namespace " + namespace + ", but " + overlay.where() + " deploys to " + ours);
        }
    }

    private void operator(DocCommand c, String what, List<String> problems) {
        Optional<String> group = OPERATORS.entrySet().stream().filter(e -> what.contains(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
        if (group.isEmpty()) {
            problems.add(c + ": installs no operator this check knows (" + OPERATORS.keySet() + ")");
        } else if (docs.stream().noneMatch(d -> group.get().equals(d.group()))) {
            problems.add(c + ": installs the operator of " + group.get() + ", which no manifest uses");
        }
    }

    private void helm(DocCommand c, List<String> problems) {
        Args a = new Args(c.args());
        if (a.words.size() >= 4 && a.words.get(0).equals("repo") && a.words.get(1).equals("add")) {
            operator(c, a.words.get(3), problems);
        } else if (a.words.size() >= 3 && a.words.get(0).equals("upgrade") && c.args().contains("--install")) {
            operator(c, a.words.get(2), problems);
        } else {
            problems.add(c + ": no check knows helm " + String.join(" ", a.words));
        }
    }

    private void portForward(DocCommand c, String service, String ports, List<String> problems) {
        String name = service.replaceFirst("^(svc|service)/", "");
        String remote = ports.substring(ports.indexOf(':') + 1);
        Optional<YamlDoc> svc = docs.stream().filter(d -> d.is("Service", name)).findFirst();
        if (svc.isEmpty()) {
            problems.add(c + ": the manifests define no Service " + name);
        } else if (YamlDoc.maps(svc.get().body(), "spec", "ports").stream()
                .noneMatch(p -> remote.equals(String.valueOf(p.get("port"))))) {
            problems.add(c + ": Service " + name + " has no port " + remote);
        }
    }

    /** An image the docs load or push: one a Deployment runs, with the tag the overlay gives it. */
    private void image(DocCommand c, String image, List<String> problems) {
        String name = Pods.imageName(image);
        String tag = image.length() > name.length() ? image.substring(name.length() + 1) : "latest";
        if (services.stream().noneMatch(s -> s.image().equals(name))) {
            problems.add(c + ": no service module builds the image " + name);
        }
        boolean tagged = overlay.images().stream()
                .anyMatch(i -> name.equals(i.get("name")) && tag.equals(String.valueOf(i.get("newTag"))));
        if (!tagged) {
            problems.add(c + ": " + overlay.where() + " does not run " + name + " with the tag " + tag);
        }
    }

    /** ./mvnw package with Quarkus' container-image settings: each deployed service builds its image with Jib. */
    private void imageBuild(DocCommand c, List<String> problems) {
        for (ServiceModule s : services) {
            if (s.buildSetting("quarkus.container-image.group") == null) {
                problems.add(c + ": " + s.name() + " sets no quarkus.container-image.group, so builds no image");
            }
        }
        if (!ServiceModule.read(home.resolve("service-parent/pom.xml")).contains("quarkus-container-image-jib")) {
            problems.add(c + ": service-parent/pom.xml does not add quarkus-container-image-jib");
        }
        c.args().stream().filter(w -> w.startsWith("-Dquarkus.container-image.tag="))
                .forEach(t -> services.forEach(s -> image(c, s.image() + ":" + t.substring(t.indexOf('=') + 1), problems)));
    }

    private void compose(DocCommand c, Args a, List<String> problems) {
        String file = a.option("-f").orElse("");
        Path compose = home.resolve("deploy/compose/compose.yaml");
        if (a.words.isEmpty() || !a.words.get(0).equals("compose") || !home.resolve(file).normalize().equals(compose)) {
            problems.add(c + ": not `docker compose -f " + home.relativize(compose) + "`, which ComposeChecks validates");
        }
    }

    /** A command's words after its program: options with a value, and the other words in order. */
    private static final class Args {
        private final List<String> words = new ArrayList<>();
        private final List<String[]> options = new ArrayList<>();

        Args(List<String> args) {
            for (int i = 0; i < args.size(); i++) {
                String w = args.get(i);
                boolean valued = List.of("-n", "--namespace", "-k", "-f", "-l").contains(w);
                if (valued && i + 1 < args.size()) {
                    options.add(new String[] {w, args.get(++i)});
                } else if (!w.startsWith("-")) {
                    words.add(w);
                }
            }
        }

        Optional<String> option(String... names) {
            return options.stream().filter(o -> List.of(names).contains(o[0])).map(o -> o[1]).findFirst();
        }
    }
}
