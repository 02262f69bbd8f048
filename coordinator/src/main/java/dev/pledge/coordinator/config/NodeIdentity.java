package dev.pledge.coordinator.config;

import java.net.URI;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who this coordinator process is among the replicas sharing the log: its node id (stable across restarts)
 * and its incarnation (new in every process, so a restart is told apart from a second process that was
 * given the same name by mistake).
 */
@ApplicationScoped
public class NodeIdentity {
    private final String nodeId;
    private final UUID incarnation = UUID.randomUUID();
    private final String url;

    public NodeIdentity(CoordinatorConfig config) {
        this.url = config.url();
        this.nodeId = config.nodeId().filter(n -> !n.isBlank()).map(String::trim).orElseGet(() -> fromUrl(config.url()));
        if (nodeId.length() > 128) {
            throw new IllegalArgumentException("pledge.coordinator.node-id must be at most 128 characters: " + nodeId);
        }
    }

    /** The host and port of a base URL, e.g. {@code 127.0.0.1:8080}. */
    static String fromUrl(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("pledge.coordinator.url must be an absolute http(s) URL, not '" + url + "'");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    public String nodeId() {
        return nodeId;
    }

    public UUID incarnation() {
        return incarnation;
    }

    public String url() {
        return url;
    }
}
