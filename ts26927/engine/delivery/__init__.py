"""The reference engine's model repository and delivery (TR 26.927 clauses 5.2.2, 5.3.6,
6.2 and 6.6.2).

One job per module:

* :mod:`.repository` holds models and their variants; :mod:`.embedded` fills one with the
  embedded models; :mod:`.metadata` computes their clause 6.6.2 information and
  :mod:`.evaluation` measures accuracy on held-out data.
* :mod:`.variants` lists a model's deliverable variants; :mod:`.manifest` builds manifest
  entries and reads their update chains; :mod:`.selection` chooses what to deliver.
* Adaptive models: :mod:`.quantization` is the bit-incremental numeric core, :mod:`.chain`
  the levels of a chain, :mod:`.package` the container of one level, :mod:`.encoder` cuts a
  model into packages and :mod:`.progressive` rebuilds it on the UE, level by level.
* Delivery: :mod:`.transfer` is the chunked, verified, resumable delivery session,
  :mod:`.link` carries it (with injected faults), :mod:`.access` receives a variant and
  runs the UE's inference engine, :mod:`.workflows` walks the 5.2.2.2.1 and 5.2.2.2.2
  flows end to end, and :mod:`.updates` decides model updates during the service.
"""

from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.delivery.encoder import AdaptiveEncoding, AdaptiveOptions, encode_adaptive
from ts26927.engine.delivery.evaluation import EvaluationSet, digits_evaluation
from ts26927.engine.delivery.link import Faults, Link, TransferReport
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.delivery.repository import ModelRepository, ModelSource, StoredModel
from ts26927.engine.delivery.selection import (
    DeliveryOption,
    DeliverySelection,
    Preference,
    SelectionRequest,
    select,
)
from ts26927.engine.delivery.transfer import (
    DeliveryFunction,
    ModelReceiver,
    Progress,
    describe_delivery,
)
from ts26927.engine.delivery.updates import UpdatePlan, UpdateThresholds, check_status, plan_update
from ts26927.engine.delivery.workflows import (
    RunSettings,
    WorkflowRun,
    run_adaptive,
    run_generic,
    switch_model,
)

__all__ = [
    "AdaptiveEncoding",
    "AdaptiveOptions",
    "DeliveryFunction",
    "DeliveryOption",
    "DeliverySelection",
    "EvaluationSet",
    "Faults",
    "Link",
    "ModelReceiver",
    "ModelRepository",
    "ModelSource",
    "Preference",
    "Progress",
    "ProgressiveModel",
    "RunSettings",
    "SelectionRequest",
    "StoredModel",
    "TransferReport",
    "UpdatePlan",
    "UpdateThresholds",
    "WorkflowRun",
    "check_status",
    "describe_delivery",
    "digits_evaluation",
    "embedded_repository",
    "encode_adaptive",
    "plan_update",
    "run_adaptive",
    "run_generic",
    "select",
    "switch_model",
]
