package dev.pledge.cli;

import java.util.concurrent.Callable;

import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;
import picocli.CommandLine.Command;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print a token of the operator for the local stack's services, valid for 2 minutes, to call"
                + " an operator's endpoint by hand: curl -H \"Authorization: Bearer $(./pledge token)\" ..."
                + " See docs/security.md."})
final class TokenCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        TokenMinter operator = StackOptions.stack().identities().minter(Caller.OPERATOR);
        System.out.println(operator.token(Caller.EVERY_SERVICE));
        return 0;
    }
}
