"use client";

import { Button } from "../ui/button";
import { CopyField } from "../ui/copy-field";
import { Dialog, DialogBody, DialogFooter } from "../ui/dialog";
import { KIND_LABELS, type IntegrationView } from "./integration-api";

/** Where the provider sends its webhooks and the secret it signs them with, to paste into the provider's settings. */
export function WebhookDialog({ integration, onClose }: { integration: IntegrationView | null; onClose(): void }) {
  return (
    <Dialog
      open={integration !== null}
      onClose={onClose}
      size="lg"
      title={`Webhooks of ${integration?.name ?? ""}`}
      description={`In ${integration ? KIND_LABELS[integration.kind].label : "the provider"}'s settings, send order and inventory webhooks to this address, signed with this secret. Each webhook starts an incremental sync (a burst of them, one sync).`}
      testId="webhook-dialog"
    >
      {integration ? (
        <DialogBody>
          <CopyField label="Webhook URL" value={integration.webhookUrl} />
          {integration.webhookSecret ? <CopyField label="Signing secret" value={integration.webhookSecret} secret /> : null}
        </DialogBody>
      ) : null}
      <DialogFooter>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
