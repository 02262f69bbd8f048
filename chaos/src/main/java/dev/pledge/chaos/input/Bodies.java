package dev.pledge.chaos.input;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Generates request bodies an endpoint must refuse. Each starts from the endpoint's valid body and gets one
 * certain break (a field left out or given a value it may not hold, an unknown field, broken JSON syntax, or
 * a body that is not an object), then up to three random changes to other fields, drawn from strings,
 * numbers and shapes that are often mishandled: empty, very long, non-ASCII, control characters, SQL,
 * huge and tiny numbers, nesting.
 */
public final class Bodies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** One generated body and what was done to it, for the report. */
    public record Body(String text, String how) {
    }

    private final Random random;

    public Bodies(long seed) {
        this.random = new Random(seed);
    }

    public Body next(Endpoint e) {
        ObjectNode body = e.valid().deepCopy();
        List<Object> broken;
        String how;
        int kind = random.nextInt(10);
        if (kind < 6) {
            Endpoint.Breaker b = e.breakers().get(random.nextInt(e.breakers().size()));
            JsonNode value = b.values().get(random.nextInt(b.values().size()));
            set(body, b.field(), value);
            broken = b.field();
            how = b.field() + (value == null ? " left out" : " = " + abbreviate(value.toString()));
        } else if (kind < 8) {
            List<Object> at = e.typedObjects().get(random.nextInt(e.typedObjects().size()));
            JsonNode target = at.isEmpty() ? body : get(body, at);
            ((ObjectNode) target).set("unexpected" + random.nextInt(100), noise());
            broken = null; // other changes cannot make an unknown field known
            how = "unknown field in " + (at.isEmpty() ? "the body" : at.toString());
        } else {
            broken = null;
            how = null;
        }
        int changes = random.nextInt(4);
        List<String> noise = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            List<Object> field = anyField(body);
            if (field.isEmpty() || (broken != null && related(field, broken))) {
                continue;
            }
            JsonNode v = noise();
            set(body, field, v);
            noise.add(field + " = " + abbreviate(v.toString()));
        }
        String text = body.toString();
        if (kind == 8) {
            text = brokenSyntax(text);
            how = "broken JSON syntax";
        } else if (kind == 9) {
            JsonNode[] shapes = {F.arrayNode().add(body), F.textNode(text), F.numberNode(42), F.nullNode(), F.booleanNode(true)};
            text = shapes[random.nextInt(shapes.length)].toString();
            how = "a body that is not a JSON object";
        }
        return new Body(text, noise.isEmpty() ? how : how + "; also " + String.join(", ", noise));
    }

    /** Text that no JSON parser accepts: cut short, or with a stray character where none may stand. */
    private String brokenSyntax(String text) {
        for (int tries = 0; ; tries++) {
            String candidate = switch (random.nextInt(4)) {
                case 0 -> text.substring(0, random.nextInt(text.length()));
                case 1 -> text.replaceFirst(":", "");
                case 2 -> text + "}";
                default -> {
                    int at = random.nextInt(text.length());
                    yield text.substring(0, at) + "\u0000{'" + text.substring(at);
                }
            };
            if (!parses(candidate) || tries > 20) {
                return parses(candidate) ? "{" : candidate;
            }
        }
    }

    private static boolean parses(String text) {
        try {
            JSON.readTree(text);
            return !text.isBlank();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private JsonNode noise() {
        return switch (random.nextInt(16)) {
            case 0 -> F.textNode("");
            case 1 -> F.textNode("x".repeat(1 + random.nextInt(5000)));
            case 2 -> F.textNode("Ünïcødé ✓ 注文 \uD83D\uDCA5");
            case 3 -> F.textNode("\u0000\u0007\n\t");
            case 4 -> F.textNode("'; DROP TABLE branches; --");
            case 5 -> F.textNode("../../etc/passwd");
            case 6 -> F.numberNode(0);
            case 7 -> F.numberNode(-1);
            case 8 -> F.numberNode(Long.MAX_VALUE);
            case 9 -> F.numberNode(new java.math.BigDecimal("1e400"));
            case 10 -> F.numberNode(3.14159);
            case 11 -> F.booleanNode(random.nextBoolean());
            case 12 -> F.nullNode();
            case 13 -> F.arrayNode().add(1).add(F.arrayNode().add(2).add(F.arrayNode().add(3)));
            case 14 -> F.objectNode().set("a", F.objectNode().set("b", F.objectNode()));
            default -> F.textNode("LOAD-001");
        };
    }

    /** A random field path of the body (objects and arrays walked down at random). */
    private List<Object> anyField(JsonNode body) {
        List<Object> path = new ArrayList<>();
        JsonNode at = body;
        while (at.isContainerNode() && at.size() > 0) {
            if (at.isObject()) {
                List<String> names = new ArrayList<>();
                at.fieldNames().forEachRemaining(names::add);
                String name = names.get(random.nextInt(names.size()));
                path.add(name);
                at = at.get(name);
            } else {
                int i = random.nextInt(at.size());
                path.add(i);
                at = at.get(i);
            }
            if (random.nextInt(3) == 0) {
                break;
            }
        }
        return path;
    }

    /** Whether one path is the other or lies inside it: changing one would undo the break at the other. */
    private static boolean related(List<Object> a, List<Object> b) {
        int n = Math.min(a.size(), b.size());
        return a.subList(0, n).equals(b.subList(0, n));
    }

    private static JsonNode get(JsonNode root, List<Object> path) {
        JsonNode at = root;
        for (Object step : path) {
            at = step instanceof Integer i ? at.get(i) : at.get((String) step);
        }
        return at;
    }

    /** Sets (or, for null, removes) the value at a path whose parent exists. */
    static void set(ObjectNode root, List<Object> path, JsonNode value) {
        JsonNode parent = get(root, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (value == null) {
                o.remove((String) last);
            } else {
                o.set((String) last, value);
            }
        } else if (parent instanceof ArrayNode a) {
            if (value == null) {
                a.remove((Integer) last);
            } else {
                a.set((Integer) last, value);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
