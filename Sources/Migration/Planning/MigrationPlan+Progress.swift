import PortalModel

extension MigrationPlan {
    /// What the plan writes, for `ProgressEvent.planReady`: records by action (deletions from
    /// `deletions`), and N:N links added plus removed.
    public var progressCounts: PlanCounts {
        var counts = PlanCounts(
            create: 0, update: 0, delete: deletions.count, unchanged: 0,
            links: links.reduce(0) { $0 + $1.add.count + $1.remove.count })
        for r in records {
            switch r.action {
            case .create: counts.create += 1
            case .update: counts.update += 1
            case .unchanged: counts.unchanged += 1
            case .delete: break // counted from `deletions`
            }
        }
        return counts
    }
}
