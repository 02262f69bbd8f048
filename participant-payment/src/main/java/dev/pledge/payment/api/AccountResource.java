package dev.pledge.payment.api;

import java.util.List;

import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.payment.store.Account;
import io.quarkus.panache.common.Sort;

@Path("/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Accounts")
public class AccountResource {
    public static final String ACCOUNT_ID = "[a-z0-9][a-z0-9-]{0,31}";
    public static final String ACCOUNT_ID_MESSAGE = "must be 1-32 lower-case letters, digits or '-'";

    /** The balance is a decimal string in JSON, so no client reads money as a floating-point number. */
    public record AccountView(String id, String owner, String balance) {
        static AccountView of(Account a) {
            return new AccountView(a.id, a.owner, a.balance.toPlainString());
        }
    }

    @GET
    @Operation(summary = "All accounts with their balance")
    public List<AccountView> list() {
        return Account.<Account>listAll(Sort.by("id")).stream().map(AccountView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One account with its balance")
    public AccountView get(@PathParam("id") @Pattern(regexp = ACCOUNT_ID, message = ACCOUNT_ID_MESSAGE) String id) {
        Account a = Account.findById(id);
        if (a == null) {
            throw ProblemException.notFound("no account " + id);
        }
        return AccountView.of(a);
    }
}
