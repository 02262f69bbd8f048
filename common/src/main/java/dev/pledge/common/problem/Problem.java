package dev.pledge.common.problem;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}).
 *
 * @param type   a URI naming the kind of problem ("about:blank" when the status says it all)
 * @param errors for validation problems: which field was wrong and why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /**
     * The coordinator has no record of the transaction asked for. Participants act on exactly this type (a
     * prepared branch of an unknown transaction is aborted), never on a bare 404 from whatever answers.
     */
    public static final String UNKNOWN_TRANSACTION = "urn:pledge:problem:unknown-transaction";
    /**
     * A participant refuses a call whose {@code Pledge-Epoch} is older than one it has already seen for the
     * branch (412): the caller is a coordinator replica that lost the transaction to another one.
     */
    public static final String STALE_EPOCH = "urn:pledge:problem:stale-epoch";
    /** The coordinator replica that answered no longer drives the transaction: another replica took it over. */
    public static final String TAKEN_OVER = "urn:pledge:problem:taken-over";

    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }
}
