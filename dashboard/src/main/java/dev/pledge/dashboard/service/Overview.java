package dev.pledge.dashboard.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.dashboard.client.Services;
import dev.pledge.dashboard.client.Unreachable;
import dev.pledge.dashboard.client.UpstreamProblem;
import dev.pledge.stack.ComponentStatus;
import dev.pledge.stack.Stack;

/** Which services are up, what crash points each one has armed, and whether the local stack's controls work. */
@ApplicationScoped
public class Overview {
    @Inject
    Services services;
    @Inject
    LocalStack local;

    public record ServiceState(String name, String url, boolean up, String detail) {
    }

    public record View(List<ServiceState> services, boolean localStack, Map<String, JsonNode> crashPoints) {
    }

    public View now() {
        List<ServiceState> states = new ArrayList<>();
        Map<String, JsonNode> crashPoints = new LinkedHashMap<>();
        for (String name : services.names()) {
            String url = services.url(name);
            try {
                crashPoints.put(name, services.get(name, "/admin/crash-points"));
                states.add(new ServiceState(name, url, true, "answers at " + url));
            } catch (Unreachable | UpstreamProblem e) {
                states.add(new ServiceState(name, url, false, e.getMessage()));
            }
        }
        local.stack().ifPresent(stack -> addInfrastructure(stack, states));
        return new View(states, local.isPresent(), crashPoints);
    }

    /** The local stack's PostgreSQL servers and Kafka broker, which a user may kill and restart too. */
    private static void addInfrastructure(Stack stack, List<ServiceState> states) {
        Set<String> known = Set.of(Services.COORDINATOR, Services.INVENTORY, Services.PAYMENT, Services.ORCHESTRATOR,
                Stack.DASHBOARD);
        for (ComponentStatus c : stack.status()) {
            if (!known.contains(c.name())) {
                boolean up = c.state() == ComponentStatus.State.RUNNING && c.healthy();
                states.add(new ServiceState(c.name(), "127.0.0.1:" + c.port(), up,
                        up ? "pid " + c.pid() : c.state().name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
    }
}
