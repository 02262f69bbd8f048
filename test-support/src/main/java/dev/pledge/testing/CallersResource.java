package dev.pledge.testing;

import java.util.Map;

import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;
import dev.pledge.identity.TokenMinter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Keys for every caller in a fresh directory, the service under test pointed at them (its trust file and its own
 * key, by its {@code pledge.identity.name}), and RestAssured's requests signed as the coordinator unless a test
 * gives its own {@code Authorization} header, or none ({@code given().noFilters()}).
 */
public class CallersResource implements QuarkusTestResourceLifecycleManager {
    private static volatile Identities identities;

    @Override
    public Map<String, String> start() {
        identities = Identities.in(StateDirs.fresh("callers")).ensure();
        TokenMinter coordinator = identities.minter(Caller.COORDINATOR);
        Filter asCoordinator = (request, response, ctx) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", coordinator.bearer(Caller.EVERY_SERVICE));
            }
            return ctx.next(request, response);
        };
        RestAssured.filters(asCoordinator);
        return Map.of("pledge.identity.trust-file", identities.trustFile().toString(),
                "pledge.identity.key-file", identities.dir().resolve("${pledge.identity.name}.jwk").toString());
    }

    /** A caller's minter, to sign requests as someone else, or tokens a service must refuse. */
    public static TokenMinter minter(Caller caller) {
        return identities.minter(caller);
    }

    @Override
    public void stop() {
        RestAssured.reset();
    }
}
