/**
 * The e-mail channel: one SES v2 `SendEmail` per recipient, from the one configured identity, with the
 * recipient's own links. The endpoint is SES's, or `AWS_ENDPOINT_URL_SESV2` (the local SES stand-in).
 */
import { type SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { Channel, OutgoingMessage } from './channel';
import { renderApprovalEmail } from './email-message';

const UTF8 = 'UTF-8';

/** The exact SendEmail input for one message (pure). */
export const emailInput = (from: string, message: OutgoingMessage): SendEmailCommandInput => {
  const email = renderApprovalEmail({
    notification: message.notification,
    links: message.links,
    recipient: message.recipient,
    now: message.now,
  });
  return {
    FromEmailAddress: from,
    Destination: { ToAddresses: [message.recipient] },
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: UTF8 },
        Body: { Text: { Data: email.text, Charset: UTF8 }, Html: { Data: email.html, Charset: UTF8 } },
      },
    },
  };
};

export const emailChannel = (client: SESv2Client, from: string): Channel => ({
  name: 'email',
  approverLabel: (recipient) => recipient,
  send: async (message) => {
    await client.send(new SendEmailCommand(emailInput(from, message)));
  },
});
