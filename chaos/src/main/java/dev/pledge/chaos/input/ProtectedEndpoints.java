package dev.pledge.chaos.input;

import java.util.ArrayList;
import java.util.List;

import dev.pledge.identity.Caller;

/**
 * Every endpoint of the stack that checks its caller (with the lab switch on, as in the local stack), each with
 * a request that is good but for its credential, the audience a token for it names, and callers whose role may
 * not make it. Branch ids are the run's lab probes ({@code probe-...}), which the operator may drive in the lab.
 */
public final class ProtectedEndpoints {
    /** One protected request; {@code body} is JSON or null. */
    public record Protected(String name, String method, String url, String body, String audience, List<Caller> wrongRoles) {
    }

    private static final List<Caller> NOT_OPERATORS = List.of(Caller.COORDINATOR, Caller.INVENTORY, Caller.SAGA_ORCHESTRATOR);

    private ProtectedEndpoints() {
    }

    public static List<Protected> all(String coordinator, String inventory, String payment, String saga, String runId) {
        List<Protected> out = new ArrayList<>();
        out.add(new Protected("coordinator POST /transactions/{id}/force", "POST", coordinator + "/transactions/"
                + java.util.UUID.nameUUIDFromBytes((runId + "-force").getBytes()) + "/force",
                "{\"outcome\":\"ABORT\",\"by\":\"bad-credentials\",\"reason\":\"refused\"}", "coordinator", NOT_OPERATORS));
        lab(out, "coordinator", coordinator, "after-votes", null);
        lab(out, "saga-orchestrator", saga, "after-saga-start", null);
        participant(out, "inventory", inventory, Caller.PAYMENT, "reserve", runId,
                "{\"sku\":\"LOAD-001\",\"qty\":1}");
        participant(out, "payment", payment, Caller.INVENTORY, "charge", runId,
                "{\"account\":\"acc-load-001\",\"amount\":0.01}");
        return out;
    }

    private static void participant(List<Protected> out, String name, String url, Caller peer, String sagaVerb, String runId,
                                    String operation) {
        String gid = runId + "-cred-" + name;
        String prepare = "{\"operation\":" + operation + ",\"timeoutMs\":1000}";
        String canCommit = "{\"operation\":" + operation + ",\"timeoutMs\":1000,\"coordinatorUrl\":\"http://127.0.0.1:1\","
                + "\"peers\":[{\"participant\":\"" + name + "\",\"url\":\"" + url + "\",\"gid\":\"" + gid + "\"}]}";
        // the coordinator's verbs: the orchestrator and a peer participant may not
        List<Caller> notCoordinator = List.of(Caller.SAGA_ORCHESTRATOR, peer);
        out.add(new Protected(name + " POST /branches/{gid}/prepare", "POST", url + "/branches/" + gid + "/prepare", prepare,
                name, notCoordinator));
        out.add(new Protected(name + " POST /branches/{gid}/can-commit", "POST", url + "/branches/" + gid + "/can-commit",
                canCommit, name, notCoordinator));
        for (String verb : List.of("commit", "abort", "pre-commit", "do-commit")) {
            out.add(new Protected(name + " POST /branches/{gid}/" + verb, "POST", url + "/branches/" + gid + "/" + verb, null,
                    name, notCoordinator));
        }
        out.add(new Protected(name + " GET /branches/{gid}", "GET", url + "/branches/" + gid, null, name,
                List.of(Caller.SAGA_ORCHESTRATOR)));
        out.add(new Protected(name + " POST /admin/prepared-branches/inquiry", "POST", url + "/admin/prepared-branches/inquiry",
                null, name, NOT_OPERATORS));
        lab(out, name, url, "after-prepare", sagaVerb);
    }

    /** The lab's hooks: operators only. */
    private static void lab(List<Protected> out, String name, String url, String point, String sagaVerb) {
        out.add(new Protected(name + " PUT /admin/crash-points/{point}", "PUT", url + "/admin/crash-points/" + point, null,
                name, NOT_OPERATORS));
        out.add(new Protected(name + " PUT /admin/crash-points/{point}/pause", "PUT", url + "/admin/crash-points/" + point
                + "/pause?millis=1000", null, name, NOT_OPERATORS));
        out.add(new Protected(name + " DELETE /admin/crash-points", "DELETE", url + "/admin/crash-points", null, name,
                NOT_OPERATORS));
        if (sagaVerb != null) {
            for (String method : List.of("PUT", "DELETE")) {
                out.add(new Protected(name + " " + method + " /admin/saga-silence/{verb}", method, url + "/admin/saga-silence/"
                        + sagaVerb, null, name, NOT_OPERATORS));
            }
        }
    }
}
