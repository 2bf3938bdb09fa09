export { runDashboard, startDashboard, REFRESH_MS, type DashboardOptions, type DashboardSession } from './dashboard-session.js'
export { DashboardModel, type DashboardSource } from './view-model.js'
