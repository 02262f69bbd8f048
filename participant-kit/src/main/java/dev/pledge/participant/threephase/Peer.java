package dev.pledge.participant.threephase;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** A branch of the same global transaction on some participant: where to ask for its state. */
public record Peer(@NotNull String participant,
                   @NotNull @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an absolute http(s) URL") String url,
                   @NotNull String gid) {
}
