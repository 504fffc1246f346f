import Foundation
import PortalModel

extension LocalEnvironmentError: DiagnosticConvertible {}
