-- The attempt an inbox row answers. A refused action changed nothing, so a later attempt of it (forward
-- recovery retrying until the customer can pay) is decided again; a repeat of the same attempt, or any
-- action that took effect, still gets the stored answer.
ALTER TABLE saga_inbox ADD COLUMN attempt integer NOT NULL DEFAULT 1;
