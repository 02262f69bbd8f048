package dev.pledge.dashboard.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import dev.pledge.common.identity.ServiceIdentity;
import dev.pledge.dashboard.config.DashboardConfig;

/**
 * The four services the dashboard reads and drives, by name, over one shared keep-alive HTTP client. Every call
 * answers JSON or throws: {@link Unreachable} when the service does not answer, {@link UpstreamProblem} when it
 * answers with an error. Each call is signed with the dashboard's key for the service it goes to (an operator's
 * role: the lab's crash points and saga silence take one).
 */
@ApplicationScoped
public class Services {
    public static final String COORDINATOR = "coordinator";
    public static final String INVENTORY = "inventory";
    public static final String PAYMENT = "payment";
    public static final String ORCHESTRATOR = "saga-orchestrator";

    private final HttpClient http;
    private final DashboardConfig config;
    private final ObjectMapper json;
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final ServiceIdentity identity;

    @Inject
    public Services(DashboardConfig config, ObjectMapper json, ServiceIdentity identity) {
        this.config = config;
        this.json = json;
        this.identity = identity;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.callTimeout()).build();
        urls.put(COORDINATOR, trim(config.coordinatorUrl()));
        urls.put(INVENTORY, trim(config.inventoryUrl()));
        urls.put(PAYMENT, trim(config.paymentUrl()));
        urls.put(ORCHESTRATOR, trim(config.orchestratorUrl()));
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Service name to base URL, in display order. */
    public Map<String, String> urls() {
        return java.util.Collections.unmodifiableMap(urls);
    }

    public Iterable<String> names() {
        return urls.keySet();
    }

    public boolean isKnown(String service) {
        return urls.containsKey(service);
    }

    public String url(String service) {
        String url = urls.get(service);
        if (url == null) {
            throw new IllegalArgumentException("unknown service " + service);
        }
        return url;
    }

    public JsonNode get(String service, String path) {
        return send(service, "GET", path, null, Map.of());
    }

    public JsonNode post(String service, String path, JsonNode body) {
        return send(service, "POST", path, body, Map.of());
    }

    /** A POST that may take up to {@code timeout}: an order runs its whole protocol before it is answered. */
    public JsonNode post(String service, String path, JsonNode body, Duration timeout) {
        return send(service, "POST", path, body, Map.of(), timeout);
    }

    public JsonNode put(String service, String path) {
        return send(service, "PUT", path, null, Map.of());
    }

    public JsonNode delete(String service, String path) {
        return send(service, "DELETE", path, null, Map.of());
    }

    JsonNode send(String service, String method, String path, JsonNode body, Map<String, String> headers) {
        return send(service, method, path, body, headers, config.callTimeout());
    }

    JsonNode send(String service, String method, String path, JsonNode body, Map<String, String> headers,
                  Duration timeout) {
        String url = url(service) + path;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Accept", "application/json, application/problem+json");
            identity.bearer(service).ifPresent(b -> req.header("Authorization", b));
            headers.forEach(req::header);
            if (body == null) {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                req.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = resp.body().length == 0 ? NullNode.getInstance() : readOrText(resp.body());
            if (resp.statusCode() >= 400) {
                throw new UpstreamProblem(service, resp.statusCode(), answer);
            }
            return answer;
        } catch (IOException e) {
            throw new Unreachable(service, url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(service, url, e);
        }
    }

    private JsonNode readOrText(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.getNodeFactory().objectNode().put("detail", new String(body, StandardCharsets.UTF_8));
        }
    }
}
