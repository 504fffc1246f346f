import Foundation
import Testing
@testable import EnvironmentServer

/// The cost account's two floors (issue 20): the issue's `service ÷ hint`, and the least wall time under
/// the execution-time limit (`CostAccount.budgetFloor`), which the benchmark reports side by side.
@Suite struct CostAccountFloorTests {
    /// Dataverse's limit: 1,200 s of server time per sliding 300 s.
    let budget = 1_200.0, window = 300.0

    @Test("under one window's budget, or at a hint that cannot spend it within a window, the floor is service ÷ hint")
    func limitDoesNotBind() {
        #expect(CostAccount.budgetFloor(serviceSeconds: 270, dopHint: 16, budgetSeconds: budget, windowSeconds: window) == 270.0 / 16)
        #expect(CostAccount.budgetFloor(serviceSeconds: 1_200, dopHint: 16, budgetSeconds: budget, windowSeconds: window) == 75)
        // Hint 4 spends at most 4 × 300 = 1,200 s per window: the limit never binds.
        #expect(CostAccount.budgetFloor(serviceSeconds: 1_483.7, dopHint: 4, budgetSeconds: budget, windowSeconds: window) == 1_483.7 / 4)
        #expect(CostAccount.budgetFloor(serviceSeconds: 5_000, dopHint: 2, budgetSeconds: budget, windowSeconds: window) == 2_500)
    }

    @Test("past the budget at hint 16: whole windows, then the rest at the hint")
    func limitBinds() {
        // The L upload of 2026-12-07: 1,483.7 s of service time. The first 1,200 s take 75 s at hint 16,
        // then nothing runs until the window slides at 300 s, then the other 283.7 s take 17.7 s.
        let l = CostAccount.budgetFloor(serviceSeconds: 1_483.7, dopHint: 16, budgetSeconds: budget, windowSeconds: window)
        #expect(abs(l - (300 + 283.7 / 16)) < 1e-9)
        #expect(l > 1_483.7 / 16)
        // Exactly two budgets: the second window is used in full.
        #expect(CostAccount.budgetFloor(serviceSeconds: 2_400, dopHint: 16, budgetSeconds: budget, windowSeconds: window) == 300 + 75)
        #expect(CostAccount.budgetFloor(serviceSeconds: 4_200, dopHint: 16, budgetSeconds: budget, windowSeconds: window) == 900 + 600.0 / 16)
    }

    @Test("the floor is never below either bound: service ÷ hint, and whole budgets per window")
    func neverBelowTheBounds() {
        for hint in [1, 4, 5, 16, 52] {
            for service in stride(from: 0.0, through: 6_000, by: 137.5) {
                let f = CostAccount.budgetFloor(serviceSeconds: service, dopHint: hint, budgetSeconds: budget, windowSeconds: window)
                #expect(f >= service / Double(hint) - 1e-9, "hint \(hint), service \(service)")
                // In any time T at most ⌈T ÷ window⌉ budgets run.
                #expect(((f / window).rounded(.up)) * budget >= service - 1e-6, "hint \(hint), service \(service)")
            }
        }
    }

    @Test("the handler's own time is part of a request's charge: the server sleeps only what is left, never below 0")
    func handlerTimeIsPartOfTheCharge() {
        #expect(CostAccount.sleepMilliseconds(charged: 3_550, spentSeconds: 0.25) == 3_300)
        #expect(CostAccount.sleepMilliseconds(charged: 50, spentSeconds: 0) == 50)
        #expect(CostAccount.sleepMilliseconds(charged: 50, spentSeconds: 0.05) == 0)
        #expect(CostAccount.sleepMilliseconds(charged: 50, spentSeconds: 0.4) == 0)
    }

    @Test("the account's snapshot gives both floors of what it was charged")
    func snapshotGivesBothFloors() {
        let model = CostModel(profile: .typical)
        // A budget of 1 s per 10 s window at hint 4: 3 s of service time is past it.
        let account = CostAccount(model: model, dopHint: 4, latencyMilliseconds: 20, executionBudgetMilliseconds: 1_000, windowSeconds: 10)
        // Admission looks at the window before the request: 1 s is not over the budget, so the second runs.
        for ms in [1_000.0, 2_000] {
            #expect(account.arrive() == nil)
            account.depart(CostCharge(milliseconds: ms, operations: [.create: 1]), charged: ms)
        }
        #expect(account.arrive() != nil, "3 s in the window is over the 1 s budget: 429")
        let s = account.snapshot()
        #expect(s.serviceSeconds == 3)
        #expect(s.floorServiceSeconds == 0.75)
        // Whole windows 2 (two budgets of 1 s), then the last 1 s at the hint: 20 + 0.25.
        #expect(s.budgetFloorServiceSeconds == 20.25)
        #expect(s.budgetFloorSeconds(steps: 2) == 20.25 + 2 * s.chainStepSeconds)
        #expect(s.floorSeconds(steps: 2) == 0.75 + 2 * s.chainStepSeconds)
        #expect(s.peakConcurrency == 1)
    }
}
