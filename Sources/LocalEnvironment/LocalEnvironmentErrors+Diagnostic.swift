import Foundation
import PortalModel

extension LocalEnvironmentError: DiagnosticConvertible {}

extension SubdomainTakenError: DiagnosticConvertible {}
