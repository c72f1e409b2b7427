/** The shop's FAQ; ids are the anchors (`/faq#returns`) and the `faq_open` event's question. */
export const FAQ = [
  {
    id: "delivery-times",
    topic: "Delivery",
    question: "How long does delivery take?",
    answer:
      "Orders placed on a working day before 14:00 leave our warehouse the same day. Delivery takes 1-2 working days in Poland, Germany and Czechia and 2-4 working days elsewhere in the EU.",
  },
  {
    id: "delivery-costs",
    topic: "Delivery",
    question: "What does shipping cost?",
    answer:
      "Standard delivery is free for orders over €50; below that it costs €4.99. Express delivery (next working day) costs €9.99 for any order.",
  },
  {
    id: "parcel-lockers",
    topic: "Delivery",
    question: "Can I collect my order from a parcel locker?",
    answer:
      "Yes. Choose a parcel locker or pick-up point at checkout; you receive a code by text message when the parcel is ready, and it waits for you for 48 hours.",
  },
  {
    id: "returns",
    topic: "Returns",
    question: "How do I return something?",
    answer:
      "You have 30 days from delivery to return any unused item. Print the prepaid label from your order confirmation e-mail, pack the item in its original box and drop it at any pick-up point. Returns are free.",
  },
  {
    id: "refund-time",
    topic: "Returns",
    question: "When will I get my money back?",
    answer:
      "We refund within 5 working days of receiving your return, to the payment method you used. Card refunds can take another 2-3 days to show on your statement.",
  },
  {
    id: "worn-shoes",
    topic: "Returns",
    question: "Can I return running shoes I have tried on?",
    answer:
      "Yes, if you only tried them indoors and they show no signs of outdoor use. Our 30-day run guarantee also lets you exchange one pair of running shoes per year after outdoor runs.",
  },
  {
    id: "warranty",
    topic: "Warranty",
    question: "What warranty do products have?",
    answer:
      "Every product has the 2-year statutory warranty. Watches, phones and coffee machines carry an extra manufacturer warranty of 1-3 years; the product page shows how long.",
  },
  {
    id: "warranty-claim",
    topic: "Warranty",
    question: "How do I make a warranty claim?",
    answer:
      "Write to service@shop.example with your order number and a short description or photo of the fault. We reply within one working day and send a free pick-up label.",
  },
  {
    id: "payment-methods",
    topic: "Payment",
    question: "Which payment methods do you accept?",
    answer:
      "Visa, Mastercard, PayPal, Apple Pay, Google Pay, BLIK, bank transfer and pay-later in 30 days (for orders up to €1,500).",
  },
  {
    id: "invoice",
    topic: "Payment",
    question: "Can I get a VAT invoice?",
    answer:
      "Yes. Tick 'I need a VAT invoice' at checkout and enter your company's VAT number; the invoice arrives by e-mail with the shipping confirmation.",
  },
] as const;

export type FaqId = (typeof FAQ)[number]["id"];
export const FAQ_IDS: readonly FaqId[] = FAQ.map((f) => f.id);
