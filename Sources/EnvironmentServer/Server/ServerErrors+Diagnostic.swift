import Foundation
import PortalModel

extension DeviceCodeApprovalError: DiagnosticConvertible {}
