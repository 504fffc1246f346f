import Foundation
import PortalModel

extension DeviceCodeApproval.Failure: DiagnosticConvertible {}
