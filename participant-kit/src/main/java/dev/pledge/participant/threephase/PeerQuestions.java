package dev.pledge.participant.threephase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.protocol.BranchState;

/**
 * One termination pass's questions to the peers, and its pre-commits of peers before it commits. A peer that does not answer within the timeout is taken as
 * unreachable for the rest of the pass, so a partition costs one timeout per peer and pass instead of one per
 * branch in doubt: the branches a cut leaves are all terminated in the same second.
 */
final class PeerQuestions {
    /** A peer answered that this participant may not ask it (401 or 403): this pass decides nothing for the branch. */
    static final class PeerRefused extends RuntimeException {
        PeerRefused(Peer peer, int status, String body) {
            super(peer.participant() + " at " + peer.url() + " refused this participant's question (" + status + "): "
                    + body + "; the branch waits for a pass that can ask it (see docs/security.md)");
        }
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** This participant's token for a peer (by its name), which refuses questions without one. */
    private final Function<String, Optional<String>> authorization;

    PeerQuestions(HttpClient http, ObjectMapper json, Duration timeout, Function<String, Optional<String>> authorization) {
        this.http = http;
        this.json = json;
        this.timeout = timeout;
        this.authorization = authorization;
    }

    /** The peer's branch state, or empty when it cannot be reached. 404 means it never prepared. */
    Optional<BranchState> stateOf(Peer peer) {
        return ask(peer, "GET", "");
    }

    /**
     * Asks a peer to pre-commit its branch, as its coordinator would (without an epoch: a peer does not fence).
     *
     * @return the peer's branch state after it, or empty when it refused (409: it has aborted) or cannot be reached
     */
    Optional<BranchState> preCommit(Peer peer) {
        return ask(peer, "POST", "/pre-commit");
    }

    private Optional<BranchState> ask(Peer peer, String method, String verb) {
        URI base = URI.create(peer.url());
        String where = base.getScheme() + "://" + base.getAuthority();
        if (silent.contains(where)) {
            return Optional.empty();
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(peer.url() + "/branches/" + peer.gid() + verb))
                    .timeout(timeout).header("Accept", "application/json")
                    .method(method, HttpRequest.BodyPublishers.noBody());
            authorization.apply(peer.participant()).ifPresent(a -> b.header("Authorization", a));
            HttpRequest req = b.build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 401 || resp.statusCode() == 403) {
                // the peer is up and refused us: that says nothing about its branch, so it must not count as a
                // peer that cannot be reached (the rule would then decide without it)
                throw new PeerRefused(peer, resp.statusCode(), resp.body());
            }
            if (resp.statusCode() == 404 && verb.isEmpty()) {
                return Optional.of(BranchState.WORKING);
            }
            if (resp.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(BranchState.valueOf(json.readTree(resp.body()).path("state").asText()));
        } catch (IOException e) { // refused, timed out or reset: nothing more to learn from it in this pass
            silent.add(where);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
