package dev.pledge.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = {"Force the outcome of a stuck transaction where the protocol allows it, recorded with who and why.",
                "A logged decision is never reversed; COMMIT of an undecided transaction needs every participant prepared."})
final class ResolveCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The transaction id (see ./pledge in-doubt).")
    String id;

    @ArgGroup(multiplicity = "1")
    Outcome outcome;

    static final class Outcome {
        @Option(names = "--commit", description = "Force COMMIT.")
        boolean commit;

        @Option(names = "--abort", description = "Force ABORT.")
        boolean abort;
    }

    @Option(names = "--by", required = true, description = "Who forces it (recorded).")
    String by;

    @Option(names = "--reason", required = true, description = "Why (recorded).")
    String reason;

    @Override
    public Integer call() {
        JsonNode body = Api.JSON.createObjectNode().put("outcome", outcome.commit ? "COMMIT" : "ABORT")
                .put("by", by).put("reason", reason);
        JsonNode tx;
        try {
            tx = Api.post(StackOptions.stack().service(Stack.COORDINATOR).baseUrl() + "/transactions/" + id + "/force", body);
        } catch (Api.ApiException e) {
            System.err.println("error: the coordinator refused: " + e.getMessage());
            return e.status() < 500 ? Pledge.USAGE : Pledge.ERROR;
        }
        Timeline.printOutcome(tx, System.out);
        Timeline.printBranches(tx, System.out);
        return 0;
    }
}
