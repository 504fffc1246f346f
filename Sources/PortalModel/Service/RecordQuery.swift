import Foundation

/// A read of one table: which columns, which records, in what order, how many.
///
/// - `columns`: logical names to return; `nil` returns every column the table has.
/// - `orderBy`: column and descending flag, applied in order; results are otherwise ordered by id.
/// - `top`: at most this many records over all pages.
public struct RecordQuery: Hashable, Sendable {
    public var table: String
    public var columns: [String]?
    public var filter: RecordFilter?
    public var orderBy: [SortKey]
    public var top: Int?

    public struct SortKey: Hashable, Sendable {
        public var column: String
        public var descending: Bool
        public init(_ column: String, descending: Bool = false) {
            self.column = column
            self.descending = descending
        }
    }

    public init(
        _ table: String, columns: [String]? = nil, filter: RecordFilter? = nil,
        orderBy: [SortKey] = [], top: Int? = nil
    ) {
        self.table = table
        self.columns = columns
        self.filter = filter
        self.orderBy = orderBy
        self.top = top
    }
}

/// One page of query results and the opaque token to ask for the next (the Web API's
/// `@odata.nextLink`, research/dataverse-webapi.md §2.2). `nextPage == nil` means the last page.
public struct RecordPage: Sendable {
    public var records: [EntityRecord]
    public var nextPage: String?
    /// The total matching count when it was asked for (`$count=true`), else `nil`.
    public var totalCount: Int?

    public init(records: [EntityRecord], nextPage: String? = nil, totalCount: Int? = nil) {
        self.records = records
        self.nextPage = nextPage
        self.totalCount = totalCount
    }
}
