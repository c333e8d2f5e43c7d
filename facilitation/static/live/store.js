// The snapshot of a workshop (API.md, GET …/etat) and the events that keep
// it up to date: the one place where an event changes what a page shows.
import { setClock } from "./clock.js";

export function findActivity(state, id) {
  for (var i = 0; i < state.activities.length; i++) {
    if (state.activities[i].id === id) return state.activities[i];
  }
  return null;
}

export function current(state) {
  return findActivity(state, state.workshop.current_activity_id);
}

/* The activity whose cards a view shows (a dot vote shows its source's). */
export function cardSource(state, activity) {
  if (activity && activity.kind === "dots") {
    return findActivity(state, activity.config.source_activity_id) || activity;
  }
  return activity;
}

export function upsertCard(state, card) {
  var activity = findActivity(state, card.activity_id);
  if (!activity) return;
  for (var i = 0; i < activity.cards.length; i++) {
    if (activity.cards[i].id === card.id) {
      if (card.mine === undefined) card.mine = activity.cards[i].mine;
      activity.cards[i] = card;
      return;
    }
  }
  activity.cards.push(card);
}

/* A participant's own placement on a matrix: `data` is the answer of
 * POST …/placements or a `placement.mine` event (impact null: taken off). */
export function setMyPlacement(state, data) {
  var activity = findActivity(state, data.activity_id);
  if (!activity) return;
  activity.my_placements = activity.my_placements || {};
  if (data.impact === null) delete activity.my_placements[data.item];
  else activity.my_placements[data.item] = { impact: data.impact, feasibility: data.feasibility };
}

export function applyEvent(state, event) {
  var data = event.data || {};
  var activity;
  switch (event.type) {
    case "card.upsert":
      upsertCard(state, data.card);
      break;
    case "card.removed":
      activity = findActivity(state, data.activity_id);
      if (activity) activity.cards = activity.cards.filter(function (c) { return c.id !== data.id; });
      break;
    case "vote.mine":
      activity = findActivity(state, data.activity_id);
      if (activity) {
        activity.my_votes = activity.my_votes || {};
        activity.my_votes[data.card_id] = data.count;
        activity.votes_used = data.used;
      }
      break;
    case "vote.total":
      activity = findActivity(state, data.activity_id);
      if (activity) {
        activity.totals = activity.totals || {};
        activity.totals[data.card_id] = data.total;
      }
      break;
    case "placement.mine":
      setMyPlacement(state, data);
      break;
    case "placement.summary":
      activity = findActivity(state, data.activity_id);
      if (activity) {
        activity.placements = activity.placements || {};
        if (data.point) activity.placements[data.item] = data.point;
        else delete activity.placements[data.item];
      }
      break;
    case "activity.timer":
      activity = findActivity(state, data.activity_id);
      if (activity) activity.timer_ends_at = data.timer_ends_at;
      setClock(data.server_time);
      break;
    case "activity.locked":
      activity = findActivity(state, data.activity_id);
      if (activity) activity.locked = data.locked;
      break;
    case "workshop.locked":
      state.workshop.locked = data.locked;
      break;
    case "workshop.status":
      state.workshop.status = data.status;
      break;
    case "workshop.current":
      state.workshop.current_activity_id = data.activity_id;
      break;
    case "participants.count":
      state.participant_count = data.count;
      break;
    case "participant.joined":
    case "participant.updated":
      if (state.participants) {
        state.participants = state.participants.filter(function (p) {
          return p.id !== data.participant.id;
        });
        state.participants.push(data.participant);
      }
      break;
  }
}
