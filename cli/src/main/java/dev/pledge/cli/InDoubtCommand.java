package dev.pledge.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "in-doubt", mixinStandardHelpOptions = true,
        description = "List the coordinator's unfinished transactions with what each participant reports now.")
final class InDoubtCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode list = Api.get(StackOptions.stack().service(Stack.COORDINATOR).baseUrl() + "/transactions/in-doubt");
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
            return 0;
        }
        if (list.isEmpty()) {
            System.out.println("No unfinished transactions.");
        }
        for (JsonNode tx : list) {
            System.out.printf("%s  %s  %s%n", tx.path("id").asText(), tx.path("protocol").asText(), tx.path("state").asText());
            for (JsonNode b : tx.path("branches")) {
                System.out.printf("    %-10s %-12s %s%n", b.path("participant").asText(), b.path("state").asText(),
                        b.path("gid").asText());
            }
        }
        if (!list.isEmpty()) {
            System.out.println("Force an outcome with: ./pledge resolve ID --commit|--abort --by NAME --reason TEXT");
        }
        return 0;
    }
}
