// A participant's dots: their budget, how many are used (counting those
// still waiting in the outbox) and why voting or writing is closed now.
import { remaining } from "../live/clock.js";

export function budgetOf(activity) {
  return activity.config.budget || 5;
}

// Dots used, counting the votes still in the outbox (`pending` items).
export function usedVotes(activity, pending) {
  var used = activity.votes_used || 0;
  pending.forEach(function (item) {
    if (item.vote && item.body.activity_id === activity.id) {
      var before = (activity.my_votes || {})[item.body.card_id] || 0;
      used += item.body.count - before;
    }
  });
  return used;
}

// Dots on a card, the outbox's latest count first.
export function myCount(activity, cardId, pending) {
  var count = (activity.my_votes || {})[cardId] || 0;
  pending.forEach(function (item) {
    if (item.vote && item.body.activity_id === activity.id && item.body.card_id === cardId) {
      count = item.body.count;
    }
  });
  return count;
}

/* Why the participant cannot act now (the server says so too). */
export function blockedReason(activity) {
  if (activity.blocked) return activity.blocked;
  if (activity.config.lock_at_time_up && remaining(activity.timer_ends_at) === 0) {
    return "Le temps est écoulé.";
  }
  return null;
}
