-- Fencing of coordinator replicas: the newest epoch a coordinator has called a branch with. Only epochs
-- above the first are stored (a branch no replica took over has no row); a call with an older epoch than
-- the stored one is refused.
CREATE TABLE branch_fences (
    gid        varchar(128) PRIMARY KEY,
    epoch      bigint       NOT NULL CHECK (epoch > 1),
    fenced_at  timestamptz  NOT NULL DEFAULT now()
);
